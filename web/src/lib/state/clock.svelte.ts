/** A ticking `now` for countdowns. Start it inside an `$effect` and return its `stop`. */
export class Clock {
  now = $state(Date.now());

  constructor(private readonly intervalMs = 1_000) {}

  start(): () => void {
    this.now = Date.now();
    const timer = setInterval(() => (this.now = Date.now()), this.intervalMs);
    return () => clearInterval(timer);
  }
}
