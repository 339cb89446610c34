import { z } from 'zod';
import { seedSchema } from './schema.js';

/** The seed schema as JSON Schema text, exactly as committed in seed/seed.schema.json. */
export function renderSeedJsonSchema(): string {
  const schema = z.toJSONSchema(seedSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Understudy seed file' }, null, 2)}\n`;
}
