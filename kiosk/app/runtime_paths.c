/*
 * runtime_paths.c — where the kiosk finds its fonts and translations: an environment
 * variable first (tests, odd installs), then the source or build tree (running from a
 * build folder), then the installed location. The tree paths are compiled in by
 * kiosk/app/CMakeLists.txt.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "runtime.h"

static bool is_dir(const char *path)
{
    struct stat sb;
    return path && path[0] && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *runtime_fonts_dir(void)
{
    const char *env = getenv("BILET_FONTS");
    if (env && env[0])
        return env;
    if (is_dir(BILET_SOURCE_FONTS))
        return BILET_SOURCE_FONTS;
    return BILET_DATADIR "/fonts";
}

const char *runtime_locale_dir(void)
{
    const char *env = getenv("BILET_LOCALEDIR");
    if (env && env[0])
        return env;
    if (is_dir(BILET_BUILD_LOCALEDIR))
        return BILET_BUILD_LOCALEDIR;
    return BILET_LOCALEDIR;
}
