/*
 * keymap.c — SDL keycodes and key names to ui_key. A fixed table and a switch; nothing
 * allocated, nothing kept between calls. SDL_GetKeyFromName needs no video subsystem, so the
 * headless runner uses the same names as the window.
 */
#include "keymap.h"

#include <string.h>

ui_key keymap_from_sdl(SDL_Keycode key)
{
    switch (key) {
    case SDLK_UNKNOWN:
        return UI_KEY_NONE;
    case SDLK_RETURN:
    case SDLK_RETURN2:
    case SDLK_KP_ENTER:
        return UI_KEY_RETURN;
    case SDLK_ESCAPE:
        return UI_KEY_ESCAPE;
    case SDLK_BACKSPACE:
        return UI_KEY_BACKSPACE;
    case SDLK_DELETE:
        return UI_KEY_DELETE;
    case SDLK_TAB:
        return UI_KEY_TAB;
    case SDLK_LEFT:
        return UI_KEY_LEFT;
    case SDLK_RIGHT:
        return UI_KEY_RIGHT;
    case SDLK_UP:
        return UI_KEY_UP;
    case SDLK_DOWN:
        return UI_KEY_DOWN;
    case SDLK_HOME:
        return UI_KEY_HOME;
    case SDLK_END:
        return UI_KEY_END;
    case SDLK_PAGEUP:
        return UI_KEY_PAGEUP;
    case SDLK_PAGEDOWN:
        return UI_KEY_PAGEDOWN;
    case SDLK_F1:
        return UI_KEY_F1;
    case SDLK_F2:
        return UI_KEY_F2;
    case SDLK_F3:
        return UI_KEY_F3;
    case SDLK_F4:
        return UI_KEY_F4;
    case SDLK_F5:
        return UI_KEY_F5;
    case SDLK_F6:
        return UI_KEY_F6;
    case SDLK_F7:
        return UI_KEY_F7;
    case SDLK_F8:
        return UI_KEY_F8;
    case SDLK_F9:
        return UI_KEY_F9;
    case SDLK_F10:
        return UI_KEY_F10;
    case SDLK_F11:
        return UI_KEY_F11;
    case SDLK_F12:
        return UI_KEY_F12;
    case SDLK_a:
        return UI_KEY_A;
    case SDLK_c:
        return UI_KEY_C;
    case SDLK_v:
        return UI_KEY_V;
    case SDLK_x:
        return UI_KEY_X;
    case SDLK_y:
        return UI_KEY_Y;
    case SDLK_z:
        return UI_KEY_Z;
    case SDLK_LCTRL:
    case SDLK_RCTRL:
    case SDLK_LSHIFT:
    case SDLK_RSHIFT:
    case SDLK_LALT:
    case SDLK_RALT:
    case SDLK_LGUI:
    case SDLK_RGUI:
    case SDLK_MODE:
    case SDLK_CAPSLOCK:
    case SDLK_NUMLOCKCLEAR:
    case SDLK_SCROLLLOCK:
        return UI_KEY_NONE;
    default:
        return UI_KEY_OTHER;
    }
}

ui_key keymap_from_keysym(const SDL_Keysym *ks)
{
    ui_key k = keymap_from_sdl(ks->sym);
    /* On a Cyrillic layout the A key sends 'ф': the shortcut still means select all. */
    if (k == UI_KEY_OTHER && ks->sym >= 0x80 && !(ks->sym & SDLK_SCANCODE_MASK)) {
        switch (ks->scancode) {
        case SDL_SCANCODE_A:
            return UI_KEY_A;
        case SDL_SCANCODE_C:
            return UI_KEY_C;
        case SDL_SCANCODE_V:
            return UI_KEY_V;
        case SDL_SCANCODE_X:
            return UI_KEY_X;
        case SDL_SCANCODE_Y:
            return UI_KEY_Y;
        case SDL_SCANCODE_Z:
            return UI_KEY_Z;
        default:
            break;
        }
    }
    return k;
}

unsigned keymap_mods(Uint16 kmod)
{
    unsigned m = 0;
    if (kmod & KMOD_SHIFT)
        m |= UI_MOD_SHIFT;
    if (kmod & KMOD_CTRL)
        m |= UI_MOD_CTRL;
    if (kmod & KMOD_ALT)
        m |= UI_MOD_ALT;
    return m;
}

/* Names people write that SDL spells otherwise. */
static const struct {
    const char *alias, *sdl;
} aliases[] = {
    { "Enter", "Return" }, { "Esc", "Escape" },    { "PgUp", "PageUp" }, { "PgDn", "PageDown" },
    { "Prior", "PageUp" }, { "Next", "PageDown" }, { "Del", "Delete" },
};

static const char *canonical(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (SDL_strcasecmp(name, aliases[i].alias) == 0)
            return aliases[i].sdl;
    return name;
}

bilet_status keymap_from_name(const char *name, ui_key *out, bilet_err *err)
{
    *out = UI_KEY_NONE;
    if (!name || !*name)
        return bilet_fail(err, BILET_EPARSE, "key: a key name is missing");
    SDL_Keycode k = SDL_GetKeyFromName(canonical(name));
    if (k == SDLK_UNKNOWN)
        return bilet_fail(err, BILET_EPARSE,
                          "key \"%.64s\": no such key (SDL key names: Return, Escape, F1, "
                          "PageUp, BackSpace, Left, 1, …)",
                          name);
    *out = keymap_from_sdl(k);
    return BILET_OK;
}

/* Length of the UTF-8 sequence starting with lead byte c, 0 when c cannot start one. */
static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

bool keymap_name_is_text(const char *name, char out[8])
{
    out[0] = '\0';
    if (!name)
        return false;
    if (SDL_strcasecmp(name, "Space") == 0) {
        out[0] = ' ';
        out[1] = '\0';
        return true;
    }
    size_t n = utf8_len((unsigned char)name[0]);
    if (n == 0 || strlen(name) != n)
        return false;
    if (n == 1 && (name[0] < 0x21 || name[0] == 0x7F))
        return false;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)name[i] & 0xC0) != 0x80)
            return false;
    /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not text. */
    unsigned char b0 = (unsigned char)name[0], b1 = (unsigned char)name[1];
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F) || (b0 == 0xF0 && b1 < 0x90) ||
        (b0 == 0xF4 && b1 > 0x8F))
        return false;
    /* One code point; C1 controls (U+0080–U+009F) type nothing. */
    if (n == 2 && (unsigned char)name[0] == 0xC2 && (unsigned char)name[1] < 0xA0)
        return false;
    memcpy(out, name, n);
    out[n] = '\0';
    return true;
}
