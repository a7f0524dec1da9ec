/** The failures of one tool call; each ends that call only, never the conversation. */
import type { ToolErrorCode } from '../../src-preload/contract/errors';
import { AppError } from '../common/AppError';

/** A tool call that could not give a result; `message` is shown on the call's block and sent to the model. */
export class ToolError extends AppError {
  declare readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ToolError';
  }
}
