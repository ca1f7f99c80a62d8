/*
 * Intentionally empty translation unit.
 *
 * mediasoup's meson.build lists each subproject's library in `link_whole:` of
 * the (not built by default) libmediasoup-worker target, and meson only
 * accepts built libraries there. The stand-in subprojects link the Debian
 * system libraries through their `*_dep` dependencies instead, so the
 * `*_lib` variables are empty static libraries compiled from this file.
 * mediasoup-worker itself does not link them.
 */
typedef int ms_stub_empty_translation_unit;
