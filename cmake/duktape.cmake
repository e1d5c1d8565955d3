# Duktape (Evaluate JS), compiled from the amalgamated source Debian's duktape-dev ships rather
# than linked from its libduktape.so, whose build leaves out the execution time-out hook the JS
# sandbox needs. The source is not copied into the repo: duktape_build.c includes it from
# /usr/share/duktape, after keyline_duktape.h has added the two options (docs/dependencies.md).
find_path(DUKTAPE_SOURCE_DIR duktape.c PATHS /usr/share/duktape NO_DEFAULT_PATH REQUIRED)
add_library(keyline_duktape STATIC ${CMAKE_CURRENT_LIST_DIR}/duktape/duktape_build.c)
# The adapter includes "keyline_duktape.h"; the Duktape headers come from the source directory
# so they always match the source being compiled.
target_include_directories(keyline_duktape SYSTEM PUBLIC ${CMAKE_CURRENT_LIST_DIR}/duktape
                           ${DUKTAPE_SOURCE_DIR})
# Third-party code: no warnings (ours are -Werror) and no debug info. -O1 in development builds
# keeps the single 3.6 MB file's compile time to about 10 s; release builds take -O2 (about 16 s),
# which makes an evaluation about 15% cheaper (docs/benchmarks.md).
target_compile_options(keyline_duktape PRIVATE -w -g0
                       $<IF:$<CONFIG:Release,RelWithDebInfo>,-O2,-O1>)
target_link_libraries(keyline_duktape PUBLIC m)
