/** The camera registry: what cameras exist, where they are, and where their stream is pulled from. */
import type { CameraInfo, CameraState } from '../protocol/events.ts';

export interface RegistryCamera {
  id: string;
  name: string;
  nameEn: string;
  district: CameraInfo['district'];
  category: string;
  location: CameraInfo['location'];
  /** Facing direction, degrees clockwise from north; absent when unknown. */
  facingDeg?: number;
  /** Horizontal field of view, degrees; present exactly when `facingDeg` is. */
  fovDeg?: number;
  /** Where the hub pulls the stream from (rtsp://…). Never sent to browsers: it may hold credentials. */
  source: string;
  /** In development: the simulated feed standing in for this camera ("sim-03"); shown on its tile. */
  simulatedFeed?: string;
}

export class CameraRegistry {
  readonly #cameras = new Map<string, RegistryCamera>();

  constructor(cameras: Iterable<RegistryCamera>) {
    for (const camera of cameras) {
      if (this.#cameras.has(camera.id)) throw new Error(`duplicate camera id in registry: ${camera.id}`);
      this.#cameras.set(camera.id, camera);
    }
  }

  get(id: string): RegistryCamera | undefined {
    return this.#cameras.get(id);
  }

  all(): IterableIterator<RegistryCamera> {
    return this.#cameras.values();
  }

  get size(): number {
    return this.#cameras.size;
  }
}

export function toCameraInfo(camera: RegistryCamera, state: CameraState): CameraInfo {
  const { source: _source, ...info } = camera;
  return { ...info, state };
}
