/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share
 *
 * Each target defines LLVMFuzzerTestOneInput.  Built with clang and
 * -fsanitize=fuzzer,address,undefined by `make fuzz` (tests/fuzz/fuzz.sh);
 * built with the normal compiler and replay.c as a main by `make check`,
 * which runs every input of the target's corpus (tests/fuzz/corpus/NAME)
 * once: the inputs that once failed stay fixed.
 */
#ifndef ECPR_FUZZ_H
#define ECPR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The readers take a path: write data to this process's scratch file
 * (in $TMPDIR, removed at exit) and return its path, or NULL when it
 * cannot be written.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

/* A failed invariant: print what and abort (a crash for libFuzzer). */
void fuzz_fail(const char *what, const uint8_t *data, size_t size)
    __attribute__((noreturn));

#endif
