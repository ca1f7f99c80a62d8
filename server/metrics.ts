/**
 * Prometheus text-format metrics. Hub objects report through `observe*` calls from their own
 * observers, so metrics never sit in the control flow.
 */

type Labels = Record<string, string>;

interface Series {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

export class Metrics {
  readonly #series = new Map<string, Series>();

  #get(name: string, type: Series['type'], help: string): Series {
    let series = this.#series.get(name);
    if (!series) {
      series = { help, type, values: new Map() };
      this.#series.set(name, series);
    }
    return series;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const series = this.#get(name, 'counter', help);
    const key = labelKey(labels);
    const entry = series.values.get(key);
    if (entry) entry.value += by;
    else series.values.set(key, { labels, value: by });
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.#get(name, 'gauge', help).values.set(labelKey(labels), { labels, value });
  }

  remove(name: string, labels: Labels): void {
    this.#series.get(name)?.values.delete(labelKey(labels));
  }

  render(): string {
    const out: string[] = [];
    for (const [name, series] of this.#series) {
      out.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} ${series.type}`);
      for (const { labels, value } of series.values.values()) out.push(`${name}${labelKey(labels)} ${value}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function labelKey(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
