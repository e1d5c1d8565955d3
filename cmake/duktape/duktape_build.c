/* Compiles Debian's amalgamated Duktape source (/usr/share/duktape/duktape.c, found on the
 * include path) with Keyline's configuration — see keyline_duktape.h and docs/dependencies.md.
 * duktape.c defines DUK_COMPILING_DUKTAPE before it includes the configuration, which then
 * selects the platform's date functions; the configuration is included here first, so the
 * define must come first here too. */
#define DUK_COMPILING_DUKTAPE
#include "keyline_duktape.h"

#include <duktape.c>

/* Makes the bytecode executor call the time-out check before its next instruction, instead of
 * after up to 256k more (DUK_HTHREAD_INTCTR_DEFAULT, fixed in duktape.c). The allocator calls
 * it when an evaluation runs out of memory or time inside native code — a script that catches
 * "alloc failed" in a loop spends its time in garbage collection, not in instructions. This is
 * what duk_debugger_pause() does to stop at the next opcode. */
void keyline_duk_interrupt_soon(duk_context *ctx) {
	duk_hthread *thr = ctx ? ((duk_hthread *) ctx)->heap->curr_thread : NULL;
	if (thr != NULL) {
		thr->interrupt_init = 1;
		thr->interrupt_counter = 0;
	}
}
