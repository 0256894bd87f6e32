// SPDX-License-Identifier: MIT
// EXERCISE (module 5, kernels): transpose a matrix through a shared-memory tile.
//
// `in` is rows x cols, row-major (element (r, c) at in[r * cols + c]); write its
// transpose to `out`, cols x rows (element (c, r) at out[c * rows + r]).
//
// The launch (already written, in src/exercises/tiled_transpose.cu) uses blocks
// of 32 x 8 threads, one block per 32 x 32 tile: block (bx, by) handles rows
// by*32 .. by*32+31 and columns bx*32 .. bx*32+31 of `in`. Each thread moves
// 32 / 8 = 4 elements.
//
//   1. read the tile: for k = threadIdx.y, threadIdx.y + 8, ... < 32, thread x
//      copies in[(by*32 + k) * cols + bx*32 + x] into tile[k][x] (if inside the matrix);
//   2. __syncthreads(): the whole tile must be loaded before anyone reads it;
//   3. write the transposed tile: the tile goes to block row bx, block column by
//      of `out`: for the same k, thread x writes tile[x][k] to
//      out[(bx*32 + k) * rows + by*32 + x] (if inside `out`).
//
// Both global accesses are then coalesced (32 neighbours per warp). The 33rd
// column of the tile is padding: tile[x][k] for x = 0..31 falls in 32 different
// shared-memory banks instead of one.
//
// Check your solution with:   gpulab check tiled_transpose
#pragma once

namespace gpulab::exercises::trainee_kernels {

static __global__ void tiled_transpose(const float* in, float* out, int rows, int cols) {
  // TODO(trainee): the three steps above, through
  //   __shared__ float tile[32][33];
  (void)in;
  (void)out;
  (void)rows;
  (void)cols;
}

}  // namespace gpulab::exercises::trainee_kernels
