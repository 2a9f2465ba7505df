import { singleLine, type DetailField } from '../format.ts';
import type { Layout } from './types.ts';
import { ordinal } from './values.ts';

/**
 * app_crashed and app_crashed_repeated: "Container web-1 exited with code 137 (OOMKilled). 3rd
 * crash in a row." The operator adds `crashCount` to the notification's data.
 */
export const crashLayout: Layout = (event, data) => {
  const container = data.text('container');
  const exitCode = data.integer('exitCode');
  const reason = data.text('reason');
  const crashCount = data.integer('crashCount');

  const fields: DetailField[] = [];
  if (container) fields.push({ label: 'Container', value: container });
  if (exitCode !== undefined) fields.push({ label: 'Exit code', value: String(exitCode) });
  if (reason) fields.push({ label: 'Reason', value: reason });
  if (crashCount !== undefined) {
    fields.push({ label: 'Crashes in a row', value: String(crashCount) });
  }

  const summary: string[] = [];
  if (container || exitCode !== undefined || reason) {
    summary.push(crashSentence(container, exitCode, reason));
  } else {
    summary.push(event.description);
  }
  if (crashCount !== undefined && crashCount > 0) {
    summary.push(`${ordinal(crashCount)} crash in a row.`);
  }
  return { headline: event.displayName, summary, fields };
};

function crashSentence(
  container: string | undefined,
  exitCode: number | undefined,
  reason: string | undefined,
): string {
  let sentence = container ? `Container ${singleLine(container)}` : 'The app';
  sentence += exitCode === undefined ? ' crashed' : ` exited with code ${exitCode}`;
  if (reason) sentence += ` (${singleLine(reason)})`;
  return `${sentence}.`;
}
