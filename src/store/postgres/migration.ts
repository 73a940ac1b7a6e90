/** One versioned change of Herald's PostgreSQL schema (migrations.ts applies them in order). */
export interface Migration {
  version: number;
  description: string;
  /** Run in order, in the migration transaction. */
  statements: string[];
}
