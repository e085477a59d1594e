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

const DEFAULT_LIMIT = 50;

/** One page of `all`, each item on it shown through `view`. */
export function paginate<T, V>(all: readonly T[], { limit = DEFAULT_LIMIT, offset = 0 }: PageQuery, view: (item: T) => V): Page<V> {
  return { items: all.slice(offset, offset + limit).map(view), total: all.length, limit, offset };
}
