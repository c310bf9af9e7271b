/**
 * The last `capacity` ids seen, oldest forgotten first: a bounded window for de-duplicating deliveries
 * (a platform that retries a callback sends the same event id again).
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Records `id`; false when it is already in the window. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  /** Forgets `id` (its delivery failed, so a retry must get through). */
  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
