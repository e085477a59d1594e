export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 50;

export function paginate<T>(all: readonly T[], limit = DEFAULT_LIMIT, offset = 0): Page<T> {
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
}
