/*
 * keymap.h — SDL keys to the UI's keys (ui_key + UI_MOD_*), for the window's key events and
 * for the headless script's key names (`key F12`, `key ctrl+Return`, `key 1`).
 *
 * Only keys with a meaning of their own become a ui_key: Return, Escape, editing and
 * moving keys, F1–F12, and the letters of the editing shortcuts (A, C, V, X, Y, Z, which the
 * UI acts on only with Ctrl). Every other key is UI_KEY_OTHER: digits and letters reach the
 * UI as text input. Works without SDL's video subsystem.
 */
#ifndef BILET_KEYMAP_H
#define BILET_KEYMAP_H

#include <stdbool.h>

#include <SDL.h>

#include "status.h"
#include "ui.h"

/* The ui_key of an SDL keycode: UI_KEY_NONE for a modifier key alone (Ctrl, Shift, Alt, …),
 * UI_KEY_OTHER for any other key without a meaning of its own. The keypad's Enter is
 * Return. */
ui_key keymap_from_sdl(SDL_Keycode key);

/* As keymap_from_sdl, but a shortcut letter on a non-Latin layout (Ctrl+Ф on a Russian
 * keyboard is the key of A) is recognised by its scancode. */
ui_key keymap_from_keysym(const SDL_Keysym *ks);

/* UI_MOD_SHIFT | UI_MOD_CTRL | UI_MOD_ALT of SDL's KMOD_* bits (either side). */
unsigned keymap_mods(Uint16 kmod);

/* The ui_key of an SDL key name ("Return", "Escape", "PageUp", "F12", "BackSpace", "Left",
 * "1"), case-insensitive. BILET_EPARSE naming the key when SDL knows no such key; *out is
 * UI_KEY_NONE then. */
bilet_status keymap_from_name(const char *name, ui_key *out, bilet_err *err);

/* Whether the key name stands for one printable character that a key press also types
 * ("1", "ж", "Space"); if so, writes it NUL-terminated (UTF-8, at most 4 bytes) into out. */
bool keymap_name_is_text(const char *name, char out[8]);

#endif
