/** The SQL backends Muster runs on. Differences between them live in store/sql only. */
export type Dialect = 'sqlite' | 'postgres';
