/**
 * A patch that cannot be applied; `message` is shown to the client verbatim, so it names the
 * operation or path.
 */
export class PatchError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PatchError';
  }
}
