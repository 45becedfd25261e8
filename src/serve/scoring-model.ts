/**
 * What the endpoint server needs from a model: its feature count and batch prediction over a
 * row-major matrix. `Booster` satisfies it; so does anything with the same shape (a wrapper that
 * averages several boosters, a stub in an example).
 *
 * @example
 * ```ts
 * const model: ScoringModel = await Booster.loadFile('model.json');
 * model.predict({ data: new Float32Array([1, 0, 3]), rows: 1, columns: 3 }); // Float32Array [p]
 * ```
 */
export interface ScoringModel {
  /** Number of input features; requests with more columns are rejected with 400. */
  readonly numFeature: number;
  /** One probability per row of `input`. */
  predict(input: FeatureMatrix): ArrayLike<number>;
}

/** A dense row-major matrix of feature values; NaN marks a missing value. */
export interface FeatureMatrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly columns: number;
}
