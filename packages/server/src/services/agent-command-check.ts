import { AgentCommandParams, type AgentCommandType } from '@muster/protocol';
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidInput } from '../domain/errors';

/** Each agent command type's parameter check, compiled once. */
const checkers = new Map<string, TypeCheck<TSchema>>(
  Object.entries(AgentCommandParams).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

/** Checks an agent command's type and parameters; throws invalid-input naming the problem. */
export function validateAgentCommand(
  type: string,
  params: Record<string, unknown>,
): asserts type is AgentCommandType {
  const checker = checkers.get(type);
  if (!checker) {
    throw invalidInput(
      `unknown command type "${type}" for machines; known: ${[...checkers.keys()].join(', ')}`,
    );
  }
  if (!checker.Check(params)) {
    const e = checker.Errors(params).First();
    throw invalidInput(`invalid params for ${type}: ${e ? `${e.path || '/'} ${e.message}` : 'invalid'}`);
  }
}
