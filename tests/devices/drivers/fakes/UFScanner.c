/* A fake Suprema UFScanner with the vendor's ABI (UFScanner.h): int statuses, handles by index,
 * UFS_CaptureSingleImage blocking up to UFS_PARAM_TIMEOUT. Script per capture: F finger image,
 * T timeout (-212 after the timeout), K fake finger (-221), Q not a good image (-301),
 * G scanner unplugged mid-capture (callback, then -1), P invalid parameters (-112). */
#include <stdio.h>
#include <time.h>
#include "fake_common.h"

typedef void *HUFScanner;
typedef int (*UFS_SCANNER_PROC)(const char *id, int sensor_on, void *param);
#define HANDLE ((HUFScanner)0x5a5a)

static int initialised, timeout_ms = 5000, detect_fake, captured_w, captured_h, captures;
static UFS_SCANNER_PROC callback;
static void *callback_param;

int fake_detect_fake(void) { return detect_fake; }
int fake_timeout(void) { return timeout_ms; }
int fake_captures(void) { return captures; }
void fake_reset(void) { detect_fake = captured_w = captured_h = captures = 0; timeout_ms = 5000; fake_connected = 1; fake_set_script("F"); }
void fake_plug(int on) { fake_connected = on; if (callback) callback("SUP-0001", on, callback_param); }

static int ready(HUFScanner h) { return !initialised ? -202 : (h != HANDLE ? -112 : 0); }

int UFS_Init(void) { if (initialised) return -201; initialised = 1; return 0; }
int UFS_Uninit(void) { if (!initialised) return -202; initialised = 0; return 0; }
int UFS_GetScannerNumber(int *n) { if (!initialised) return -202; if (!n) return -112; *n = fake_connected ? 1 : 0; return 0; }
int UFS_GetScannerHandle(int index, HUFScanner *h)
{
    if (!initialised) return -202;
    if (!h) return -112;
    if (index < 0 || index >= (fake_connected ? 1 : 0)) return -203;
    *h = HANDLE;
    return 0;
}
int UFS_GetScannerID(HUFScanner h, char *id) { int r = ready(h); if (r) return r; if (!id) return -112; strcpy(id, "SUP-0001"); return 0; }
int UFS_GetScannerType(HUFScanner h, int *type) { int r = ready(h); if (r) return r; if (!type) return -112; *type = 1004; return 0; }
int UFS_SetParameter(HUFScanner h, int param, void *value)
{
    int r = ready(h);
    if (r) return r;
    if (!value) return -112;
    int v = *(int *)value;
    switch (param) {
    case 201: if (v < 0) return -112; timeout_ms = v; return 0;
    case 202: case 203: return (v < 0 || v > 255) ? -112 : 0;
    case 312: detect_fake = v; return 0;
    default: return -111;
    }
}
int UFS_IsSensorOn(HUFScanner h, int *on) { int r = ready(h); if (r) return r; *on = fake_connected; return 0; }
int UFS_IsFingerOn(HUFScanner h, int *on) { int r = ready(h); if (r) return r; *on = 0; return 0; }
int UFS_SetScannerCallback(UFS_SCANNER_PROC proc, void *param) { callback = proc; callback_param = param; return 0; }
int UFS_RemoveScannerCallback(void) { callback = NULL; return 0; }

int UFS_CaptureSingleImage(HUFScanner h)
{
    int r = ready(h);
    if (r) return r;
    if (!fake_connected) return -1;
    captures++;
    captured_w = captured_h = 0;
    struct timespec wait = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    switch (fake_next()) {
    case 'T': nanosleep(&wait, NULL); return -212;
    case 'K': return detect_fake ? -221 : (captured_w = fake_width, captured_h = fake_height, 0);
    case 'Q': return -301;
    case 'P': return -112;
    case 'G': fake_plug(0); return -1;
    default: captured_w = fake_width; captured_h = fake_height; return 0;
    }
}
int UFS_GetCaptureImageBufferInfo(HUFScanner h, int *w, int *hh, int *resolution)
{
    int r = ready(h);
    if (r) return r;
    if (!w || !hh || !resolution) return -112;
    *w = captured_w; *hh = captured_h; *resolution = 500;
    return 0;
}
int UFS_GetCaptureImageBuffer(HUFScanner h, unsigned char *data)
{
    int r = ready(h);
    if (r) return r;
    if (!data) return -112;
    memcpy(data, fake_image, (size_t)captured_w * captured_h);
    return 0;
}
int UFS_GetErrorString(int status, char *text) { sprintf(text, "UFS status %d", status); return 0; }
