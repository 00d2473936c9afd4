import type { ConfigPath, ConnectorConfig, OperationConfig } from '../../config/types.ts';
import type { CompiledOperation } from '../../blueprint/ir.ts';
import { compileBatchAnswer, describeBatchAnswer } from '../../blueprint/compile-batch-answer.ts';

/**
 * The parts of a compiled RPC operation (gRPC, Thrift) that do not depend on the protocol: its
 * params, batch and how its decoded answer is read. A decoded answer is plain data, so the batch
 * answer layouts read it as they read JSON.
 */
export function rpcAnswerFields(
  connector: ConnectorConfig,
  op: OperationConfig,
  at: ConfigPath,
): Pick<CompiledOperation, 'params' | 'batch' | 'answerReader' | 'answerLabel' | 'resultPath' | 'declaredAt' | 'timeoutMs'> {
  return {
    params: new Map(Object.entries(op.params).map(([k, v]) => [k, v.type])),
    batch: op.batch,
    answerReader: op.batch && compileBatchAnswer(op.batch),
    answerLabel: op.batch && describeBatchAnswer(op.batch),
    resultPath: op.result === '' ? [] : op.result.split('.'),
    declaredAt: Object.freeze({
      result: connector.sourceMap.locate([...at, 'result'], 'value'),
      keyField: op.batch ? connector.sourceMap.locate([...at, 'batch', 'keyField'], 'value') : undefined,
    }),
    timeoutMs: op.timeoutMs ?? connector.timeoutMs,
  };
}
