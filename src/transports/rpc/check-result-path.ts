import { ErrorCodes } from '../../errors/codes.ts';
import type { ConfigPath, OperationConfig } from '../../config/types.ts';
import { didYouMean } from '../../util/did-you-mean.ts';
import type { ResultShape } from './request-shape.ts';

type ResultField = ReturnType<ResultShape['field']>;

type Fail = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string, at: ConfigPath) => void;

/**
 * `result` must walk fields of the answer; a batch's must end at a list of messages (`listWord`:
 * how the IDL calls one, "a repeated message field") whose items hold `keyField`. `answerIsList`:
 * the answer itself is a list of `answer` items (a Thrift function returning `list<Item>`).
 */
export function checkResultPath(op: OperationConfig, answer: ResultShape, listWord: string, fail: Fail, at: ConfigPath, answerIsList = false): void {
  let type: ResultShape | undefined = answer;
  let repeated = answerIsList;
  const segments = op.result === '' ? [] : op.result.split('.');
  for (const segment of segments) {
    const field: ResultField = type?.field(segment);
    if (!type || !field || repeated) {
      const names = type ? type.fieldNames() : [];
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected result to be a dot path of fields of ${answer.name}; "${segment}" is not a field of ${type?.name ?? 'a scalar'}${names.length ? ` (${names.join(', ')})` : ''}.${didYouMean(segment, names)}`, [...at, 'result']);
      return;
    }
    repeated = field.repeated;
    type = field.message;
  }
  if (!op.batch) return;
  if (!repeated || !type) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected result of a batched operation to name ${listWord} of ${answer.name} (one item per key); got ${op.result === '' ? 'the whole answer' : `"${op.result}"`}`, [...at, 'result']);
    return;
  }
  let item: ResultShape | undefined = type;
  for (const segment of op.batch.keyField.split('.')) {
    const field: ResultField = item?.field(segment);
    if (!item || !field) {
      const names = item ? item.fieldNames() : [];
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected keyField to be a field of ${type.name}, the items ${op.result === '' ? 'of the answer' : `at "${op.result}"`}${names.length ? ` (${names.join(', ')})` : ''}; got "${op.batch.keyField}".${didYouMean(segment, names)}`, [...at, 'batch', 'keyField']);
      return;
    }
    item = field.message;
  }
}
