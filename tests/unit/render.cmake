# The renderer, PNG files and key mapping on SDL's software renderer (no display needed).
bilet_cmocka(test_render SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_render.c LIBS bilet_render)
