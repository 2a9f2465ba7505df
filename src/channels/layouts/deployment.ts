import { singleLine, type DetailField } from '../format.ts';
import type { Layout } from './types.ts';
import { formatSeconds, shortGitRef } from './values.ts';

/**
 * app_deployed: "Deployed 3f2c1a9 by alice in 1 min 35 s." The sentence falls back to the
 * event's actor for the deployer, because emitters often record who deployed only there. The
 * Deployer field shows `data.deployer` only, since the actor has a field of its own.
 */
export const deploymentLayout: Layout = (event, data) => {
  const gitRef = data.text('gitRef');
  const deployer = data.text('deployer');
  const seconds = data.seconds('duration');
  const image = data.text('image');

  const fields: DetailField[] = [];
  if (gitRef) fields.push({ label: 'Git ref', value: gitRef });
  if (deployer) fields.push({ label: 'Deployer', value: deployer });
  if (seconds !== undefined) fields.push({ label: 'Duration', value: formatSeconds(seconds) });
  if (image) fields.push({ label: 'Image', value: image });

  return {
    headline: event.displayName,
    summary: [deploymentSentence(gitRef, deployer ?? event.actor, seconds) ?? event.description],
    fields,
  };
};

function deploymentSentence(
  gitRef: string | undefined,
  deployer: string | undefined,
  seconds: number | undefined,
): string | undefined {
  if (!gitRef && !deployer && seconds === undefined) return undefined;

  let sentence = gitRef ? `Deployed ${shortGitRef(singleLine(gitRef))}` : 'Deployed';
  if (deployer) sentence += ` by ${singleLine(deployer)}`;
  if (seconds !== undefined) sentence += ` in ${formatSeconds(seconds)}`;
  return `${sentence}.`;
}
