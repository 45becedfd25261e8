/** Row positions of each part, ascending (time order for an ordered split). */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}
