export { maskEmail, maskKeepLast } from './mask.ts';
export { compileDateFormat, type DateFormatter } from './format-date.ts';
export { compileUnitConversion, KNOWN_UNITS } from './units.ts';
export { applyValuePipeline, type ValuePipeline, type ValueStep } from './value-steps.ts';
export { applyListTransform, type ListTransform } from './list-transform.ts';
