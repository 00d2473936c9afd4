/**
 * What the request template check needs to know of an IDL's message (a protobuf message, a
 * Thrift struct or argument list): its fields, which of them hold lists, maps or nested
 * messages, and how to check a literal value. Each transport adapts its own types to this.
 */
export interface RequestShape {
  /** How messages name the type, e.g. `test.types.v1.ItemsRequest`. */
  fullName: string;
  /** The leading segment of a RequestValueError's field path (`ItemsRequest` in `ItemsRequest.ids[1]`). */
  pathPrefix: string;
  fieldNames(): string[];
  field(name: string): RequestFieldShape | undefined;
  /** Checks one field's literal value (no template in it) by the per-call rules; throws RequestValueError. */
  checkLiteral(name: string, value: unknown): void;
}

export interface RequestFieldShape {
  name: string;
  /** The field's type as messages show it (`string`, `int64`, `i64`). */
  typeLabel: string;
  /** Holds a list (protobuf `repeated`, Thrift `list<>` or `set<>`). */
  repeated: boolean;
  /** A map: mappings fill it entry by entry. */
  map: boolean;
  /** The message or struct of a (non-map) field, or of each item of a repeated one. */
  message: RequestShape | undefined;
}

/**
 * What `result:` and `batch.keyField` are checked against: the answer's fields, down to a list of
 * items (a repeated message field, a Thrift list of structs).
 */
export interface ResultShape {
  name: string;
  fieldNames(): string[];
  field(name: string): { repeated: boolean; message: ResultShape | undefined } | undefined;
}
