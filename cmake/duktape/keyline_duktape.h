/* Duktape as Keyline builds it: Debian's configuration (duk_config.h from duktape-dev) plus the
 * execution time-out hook, which the prebuilt libduktape.so leaves out. Included by the one
 * adapter file (src/flow/js_sandbox.cc) and by duktape_build.c, so both see the same options.
 *
 * How it works: Debian's duk_config.h ends by #undef-ing DUK_USE_INTERRUPT_COUNTER and
 * DUK_USE_EXEC_TIMEOUT_CHECK, so defining them beforehand does nothing. Instead this header
 * includes Debian's file first (which defines its include guard, DUK_CONFIG_H_INCLUDED), then
 * adds the two options; duktape.h's own #include "duk_config.h" is then a no-op. */
#ifndef KEYLINE_DUKTAPE_H
#define KEYLINE_DUKTAPE_H

#include <duk_config.h>

/* Count executed bytecode instructions and call the check below every so often (Duktape's
 * default is every 256k instructions, well under a millisecond). */
#define DUK_USE_INTERRUPT_COUNTER
/* Nonzero = the evaluation is over its time budget: Duktape throws a RangeError that keeps
 * re-throwing at every instruction until the outermost protected call returns, so a script's
 * try/catch cannot swallow it. `udata` is the heap's user data (the sandbox's per-heap state). */
#define DUK_USE_EXEC_TIMEOUT_CHECK(udata) keyline_duk_exec_timeout(udata)

#ifdef __cplusplus
extern "C" {
#endif
duk_bool_t keyline_duk_exec_timeout(void *udata);
/* Defined in duktape_build.c, which sees Duktape's internals: the time-out check runs before
 * the next bytecode instruction. */
void keyline_duk_interrupt_soon(duk_context *ctx);
#ifdef __cplusplus
}
#endif

#include <duktape.h>

#endif /* KEYLINE_DUKTAPE_H */
