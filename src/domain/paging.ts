export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

/** The time window every list takes (docs/pagination-filtering-and-rate-limits), Unix seconds. */
export interface WindowQuery {
  /** exclusive upper bound */
  before?: number;
  /** inclusive lower bound (contract 8.1) */
  after?: number;
}

export interface OrderQuery {
  orderBy?: string;
  sort?: 'asc' | 'desc';
}

export type ListQuery = PageQuery & WindowQuery & OrderQuery;

const DEFAULT_LIMIT = 50;

/** One page of `all`, each item on it shown through `view`. */
export function paginate<T, V>(all: readonly T[], { limit = DEFAULT_LIMIT, offset = 0 }: PageQuery, view: (item: T) => V): Page<V> {
  return { items: all.slice(offset, offset + limit).map(view), total: all.length, limit, offset };
}

/** after inclusive, before exclusive (contract 8.1). */
export function inWindow(createdAt: number, q: WindowQuery): boolean {
  return (q.after === undefined || createdAt >= q.after) && (q.before === undefined || createdAt < q.before);
}

type SortKey<T> = (item: T) => number | string;

/** How a list may be ordered: its `orderBy` values, and the key and direction of its default order. */
export interface Ordering<T> {
  keys: Record<string, SortKey<T>>;
  /** the `orderBy` value the default order follows (what `sort` alone applies to); null: the recording order */
  defaultKey: string | null;
  defaultSort: 'asc' | 'desc';
}

/**
 * `items` (in recording order) in the order the query asks for. Without `orderBy` and `sort` the
 * endpoint's default order; `sort` alone applies to the default key. Ties keep the recording order
 * ascending and the reverse descending, so the default orders stay exactly what they were.
 */
export function ordered<T>(items: readonly T[], q: OrderQuery, ordering: Ordering<T>): T[] {
  const direction = q.sort ?? (q.orderBy === undefined ? ordering.defaultSort : 'asc');
  const keyName = q.orderBy ?? ordering.defaultKey;
  const copy = direction === 'asc' ? [...items] : [...items].reverse();
  if (keyName === null) return copy;
  const key = ordering.keys[keyName]!;
  const sign = direction === 'asc' ? 1 : -1;
  return copy.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -sign : x > y ? sign : 0;
  });
}

/** The records a list shows: in the window, matching, and ordered. */
export function listed<T extends { createdAt: number }>(items: readonly T[], q: ListQuery, match: (item: T) => boolean, ordering: Ordering<T>): T[] {
  return ordered(
    items.filter((i) => inWindow(i.createdAt, q) && match(i)),
    q,
    ordering,
  );
}
