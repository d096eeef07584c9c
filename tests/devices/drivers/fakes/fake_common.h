/* Shared by the fake vendor libraries: a served image and a failure script, set by the test.
 * The script is one character per call of the library's image function; the last one repeats. */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H
#include <stdlib.h>
#include <string.h>

static unsigned char *fake_image;
static int fake_width, fake_height;
static char fake_script_text[256] = "F";
static size_t fake_script_pos;
static int fake_connected = 1;

void fake_set_image(const unsigned char *pixels, int width, int height)
{
    free(fake_image);
    fake_image = malloc((size_t)width * height);
    memcpy(fake_image, pixels, (size_t)width * height);
    fake_width = width;
    fake_height = height;
}

void fake_set_script(const char *script)
{
    strncpy(fake_script_text, script, sizeof fake_script_text - 1);
    fake_script_pos = 0;
}

void fake_set_connected(int connected) { fake_connected = connected; }

static char fake_next(void)
{
    size_t n = strlen(fake_script_text);
    if (n == 0)
        return 'F';
    char c = fake_script_text[fake_script_pos < n ? fake_script_pos : n - 1];
    if (fake_script_pos < n)
        fake_script_pos++;
    return c;
}
#endif
