/**
 * Arrow IPC straight from a DuckDB result's columns, typed by DuckDB's column
 * types: text as dictionaries (a chart's columns repeat a few values over tens
 * of thousands of rows), DOUBLE as Float64, INTEGER as Int32, BOOLEAN as Bool.
 * Any other type is an error, so a query that feeds this says what it sends.
 * (rowsToArrow in exports.ts infers types from row objects: a quarter's
 * 43,000 incident points took 230 ms there and 10-15 ms here, plus the
 * 60-90 ms DuckDB's client takes to hand over the columns.)
 */
import { type DuckDBResultReader, DuckDBTypeId } from '@duckdb/node-api';
import {
  Bool,
  type DataType,
  Dictionary,
  Float64,
  Int32,
  makeBuilder,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';

const otherTypes = new Map<DuckDBTypeId, () => DataType>([
  [DuckDBTypeId.DOUBLE, () => new Float64()],
  [DuckDBTypeId.INTEGER, () => new Int32()],
  [DuckDBTypeId.BOOLEAN, () => new Bool()],
]);

/** Text as a dictionary vector: each distinct value once, an Int32 code per row (Arrow's builder hashes more slowly). */
function dictionaryVector(values: readonly unknown[]): Vector {
  const codes = new Int32Array(values.length);
  const valid = new Uint8Array((values.length + 7) >> 3);
  const index = new Map<string, number>();
  const words: string[] = [];
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      nullCount++;
      continue;
    }
    let code = index.get(value as string);
    if (code === undefined) {
      code = words.length;
      index.set(value as string, code);
      words.push(value as string);
    }
    codes[i] = code;
    valid[i >> 3] = (valid[i >> 3] ?? 0) | (1 << (i & 7));
  }
  const type = new Dictionary(new Utf8(), new Int32());
  const dictionary = vectorFromArray(words, new Utf8());
  return makeVector(
    makeData({
      type,
      length: values.length,
      nullCount,
      nullBitmap: nullCount > 0 ? valid : null,
      data: codes,
      dictionary,
    }),
  );
}

function otherVector(name: string, typeId: DuckDBTypeId | undefined, values: readonly unknown[]): Vector {
  const arrowType = typeId === undefined ? undefined : otherTypes.get(typeId);
  if (!arrowType)
    throw new Error(`resultToArrow: column ${name} has type ${DuckDBTypeId[typeId ?? -1]}, which it does not send`);
  const builder = makeBuilder({ type: arrowType(), nullValues: [null] });
  for (const value of values) builder.append(value as never);
  return builder.finish().toVector();
}

export function resultToArrow(result: DuckDBResultReader): Uint8Array<ArrayBuffer> {
  const types = result.columnTypes();
  const columns = result.getColumnsJS();
  const vectors = result.columnNames().map((name, j) => {
    const typeId = types[j]?.typeId;
    const values = columns[j] ?? [];
    return [
      name,
      typeId === DuckDBTypeId.VARCHAR ? dictionaryVector(values) : otherVector(name, typeId, values),
    ] as const;
  });
  return new Uint8Array(tableToIPC(new Table(Object.fromEntries(vectors)), 'stream'));
}
