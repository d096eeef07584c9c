/* A fake SecuGen sgfplib with the vendor's ABI (sgfplib.h): DWORD (unsigned long) results,
 * SGDeviceInfoParam with its natural layout. Script per SGFPM_GetImageEx: F finger image,
 * T timeout (54), W wrong image (57), G line dropped: unplugged mid-capture (53), P invalid parameter (3). */
#include <time.h>
#include "fake_common.h"

typedef unsigned long DWORD;
typedef unsigned char BYTE;
typedef int BOOL;
typedef void *HSGFPM;
typedef struct { DWORD DeviceID; BYTE DeviceSN[16]; DWORD ComPort, ComSpeed, ImageWidth, ImageHeight, Contrast, Brightness, Gain, ImageDPI, FWVersion; } SGDeviceInfoParam;
#define HANDLE ((HSGFPM)0x5ec0)

static int created, initialised, opened, led, captures;
static DWORD last_timeout, last_quality;

size_t fake_sizeof_device_info(void) { return sizeof(SGDeviceInfoParam); }
int fake_led(void) { return led; }
int fake_is_open(void) { return opened; }
unsigned long fake_last_timeout(void) { return last_timeout; }
unsigned long fake_last_quality(void) { return last_quality; }
void fake_reset(void) { created = initialised = opened = led = captures = 0; fake_connected = 1; fake_set_script("F"); }

DWORD SGFPM_Create(HSGFPM *h) { if (!h) return 3; *h = HANDLE; created = 1; return 0; }
DWORD SGFPM_Terminate(HSGFPM h) { if (h != HANDLE) return 3; created = initialised = 0; return 0; }
DWORD SGFPM_Init(HSGFPM h, DWORD device) { if (h != HANDLE || !created) return 3; if (device != 0xFF) return 61; initialised = 1; return 0; }
DWORD SGFPM_OpenDevice(HSGFPM h, DWORD port)
{
    if (h != HANDLE || !initialised || port != 0x3BD) return 3;
    if (!fake_connected) return 55;
    if (opened) return 59;
    opened = 1;
    return 0;
}
DWORD SGFPM_CloseDevice(HSGFPM h) { if (h != HANDLE) return 3; opened = 0; return 0; }
DWORD SGFPM_GetDeviceInfo(HSGFPM h, SGDeviceInfoParam *info)
{
    if (h != HANDLE || !opened || !info) return 3;
    memset(info, 0, sizeof *info);
    info->DeviceID = 0;
    memcpy(info->DeviceSN, "H58-0012345", 11);
    info->ImageWidth = (DWORD)fake_width; info->ImageHeight = (DWORD)fake_height;
    info->ImageDPI = 500; info->FWVersion = 0x1042; info->Brightness = 50;
    return 0;
}
DWORD SGFPM_SetLedOn(HSGFPM h, BOOL on) { if (h != HANDLE || !opened) return 3; led = on != 0; return 0; }
DWORD SGFPM_SetBrightness(HSGFPM h, DWORD b) { if (h != HANDLE || !opened || b > 100) return 3; return 0; }
DWORD SGFPM_GetImageEx(HSGFPM h, BYTE *buffer, DWORD timeout, void *window, DWORD quality)
{
    (void)window;
    if (h != HANDLE || !opened || !buffer || quality > 100) return 3;
    if (!fake_connected) return 53;
    last_timeout = timeout; last_quality = quality; captures++;
    struct timespec wait = {(time_t)(timeout / 1000), (long)(timeout % 1000) * 1000000L};
    switch (fake_next()) {
    case 'T': nanosleep(&wait, NULL); return 54;
    case 'W': return 57;
    case 'P': return 3;
    case 'G': fake_connected = 0; return 53;
    default: break;
    }
    memcpy(buffer, fake_image, (size_t)fake_width * fake_height);
    return 0;
}
