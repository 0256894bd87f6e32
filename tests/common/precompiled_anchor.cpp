// SPDX-License-Identifier: MIT
// Nothing: the target that compiles the tests' precompiled header (tests/CMakeLists.txt)
// needs one source file of its own.
