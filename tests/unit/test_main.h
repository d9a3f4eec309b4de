/*
 * test_main.h — the main() of every cmocka program: `prog CASE` runs the one case named,
 * `prog` runs them all. ctest registers each case separately (tests/CMakeLists.txt).
 */
#ifndef BILET_TEST_MAIN_H
#define BILET_TEST_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static inline int bilet_run_tests(const struct CMUnitTest *tests, size_t n, int argc, char **argv,
                                  const char *group)
{
    if (argc > 1) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(tests[i].name, argv[1]) == 0)
                return _cmocka_run_group_tests(group, &tests[i], 1, NULL, NULL);
        fprintf(stderr, "no test case named %s\n", argv[1]);
        return 1;
    }
    return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
}

#define BILET_TEST_MAIN(tests)                                                                     \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return bilet_run_tests(tests, sizeof(tests) / sizeof((tests)[0]), argc, argv, #tests);     \
    }

#endif
