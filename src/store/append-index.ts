/**
 * A lookup by key over a collection the state only appends to (and sometimes replaces whole): built
 * once, then brought up to date by reading only the items appended since. A collection replaced,
 * shortened or rewritten in place (a rollback, an import) is read again in full.
 */
export class AppendIndex<T> {
  readonly #keyOf: (item: T) => string;
  #items: readonly T[] | null = null;
  #length = 0;
  #last: T | undefined;
  #byKey = new Map<string, T>();

  constructor(keyOf: (item: T) => string) {
    this.#keyOf = keyOf;
  }

  /** The last item appended under `key` in `items`. */
  get(items: readonly T[], key: string): T | undefined {
    this.#update(items);
    return this.#byKey.get(key);
  }

  #update(items: readonly T[]): void {
    const stale = this.#items !== items || this.#length > items.length || (this.#length > 0 && items[this.#length - 1] !== this.#last);
    if (stale) {
      this.#byKey = new Map();
      this.#items = items;
      this.#length = 0;
    }
    for (let i = this.#length; i < items.length; i++) this.#byKey.set(this.#keyOf(items[i]!), items[i]!);
    this.#length = items.length;
    this.#last = items[items.length - 1];
  }
}
