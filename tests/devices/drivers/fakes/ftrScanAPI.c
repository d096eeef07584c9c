/* A fake Futronic ftrScanAPI with the vendor's exact ABI (ftrScanAPI.h, Linux flavour: FTR_PACKED
 * structures, unsigned long DWORD). Script per ftrScanGetFrame call: F finger image, E empty frame,
 * M moving finger, T timeout, N no frame, G device gone (unplugged), P invalid parameter. */
#include "fake_common.h"

typedef void *FTRHANDLE;
typedef int FTR_BOOL;
typedef unsigned long FTR_DWORD;
typedef unsigned char FTR_BYTE;
typedef unsigned short FTR_WORD;
#define FTR_PACKED __attribute__((packed))

typedef struct FTR_PACKED { FTR_DWORD dwStructSize; FTR_BYTE byDeviceCompatibility; FTR_WORD wPixelSizeX, wPixelSizeY; } FTRSCAN_DEVICE_INFO;
typedef struct FTR_PACKED { int nWidth, nHeight, nImageSize; } FTRSCAN_IMAGE_SIZE;
typedef struct FTR_PACKED { FTR_BOOL bCalculated; int nCalculatedSum1, nCalculatedSumFuzzy, nCalculatedSumEmpty, nCalculatedSum2; double dblCalculatedTremor, dblCalculatedValue; } FTRSCAN_FAKE_REPLICA_PARAMETERS;
typedef struct FTR_PACKED { int nContrastOnDose2, nContrastOnDose4, nDose, nBrightnessOnDose1, nBrightnessOnDose2, nBrightnessOnDose3, nBrightnessOnDose4; FTRSCAN_FAKE_REPLICA_PARAMETERS FakeReplicaParams; FTR_BYTE Reserved[64 - sizeof(FTRSCAN_FAKE_REPLICA_PARAMETERS)]; } FTRSCAN_FRAME_PARAMETERS;
typedef struct FTR_PACKED { FTR_WORD wMajorVersionHi, wMajorVersionLo, wMinorVersionHi, wMinorVersionLo; } FTRSCAN_VERSION;
typedef struct FTR_PACKED { FTR_DWORD dwVersionInfoSize; FTRSCAN_VERSION APIVersion, HardwareVersion, FirmwareVersion; } FTRSCAN_VERSION_INFO;
typedef struct FTR_PACKED { int InterfaceStatus[128]; } FTRSCAN_INTERFACES_LIST;

#define HANDLE ((FTRHANDLE)0x5eed)
static FTR_DWORD last_error;
static int opened, green, red;
static FTR_DWORD options;
static double replica_value = 0.5;
static int frames;

size_t fake_sizeof_device_info(void) { return sizeof(FTRSCAN_DEVICE_INFO); }
size_t fake_sizeof_frame_parameters(void) { return sizeof(FTRSCAN_FRAME_PARAMETERS); }
size_t fake_sizeof_version_info(void) { return sizeof(FTRSCAN_VERSION_INFO); }
size_t fake_sizeof_dword(void) { return sizeof(FTR_DWORD); }
int fake_leds(void) { return (green ? 2 : 0) | (red ? 1 : 0); }
unsigned long fake_options(void) { return options; }
int fake_frames(void) { return frames; }
int fake_is_open(void) { return opened; }
void fake_set_replica_value(double value) { replica_value = value; }
void fake_reset(void) { opened = green = red = frames = 0; options = 0; replica_value = 0.5; fake_connected = 1; fake_set_script("F"); }

static FTR_BOOL fail(FTR_DWORD code) { last_error = code; return 0; }
static int bad(FTRHANDLE h) { return h != HANDLE || !opened; }

FTR_DWORD ftrScanGetLastError(void) { return last_error; }

FTRHANDLE ftrScanOpenDevice(void)
{
    if (!fake_connected) { last_error = 21; return NULL; }
    if (opened) { last_error = 170; return NULL; }
    opened = 1;
    return HANDLE;
}

FTRHANDLE ftrScanOpenDeviceOnInterface(int n)
{
    if (n != 0) { last_error = 87; return NULL; }
    return ftrScanOpenDevice();
}

FTR_BOOL ftrScanGetInterfaces(FTRSCAN_INTERFACES_LIST *list)
{
    if (!list) return fail(87);
    for (int i = 0; i < 128; i++) list->InterfaceStatus[i] = 1;
    list->InterfaceStatus[0] = fake_connected ? 0 : 1;
    return 1;
}

void ftrScanCloseDevice(FTRHANDLE h) { if (h == HANDLE) opened = 0; }

FTR_BOOL ftrScanGetImageSize(FTRHANDLE h, FTRSCAN_IMAGE_SIZE *size)
{
    if (bad(h) || !size) return fail(87);
    size->nWidth = fake_width; size->nHeight = fake_height; size->nImageSize = fake_width * fake_height;
    return 1;
}

FTR_BOOL ftrScanGetFrame(FTRHANDLE h, void *buffer, FTRSCAN_FRAME_PARAMETERS *params)
{
    if (bad(h) || !buffer) return fail(87);
    if (!fake_connected) return fail(0x20000011);
    frames++;
    switch (fake_next()) {
    case 'E': return fail(4306);
    case 'M': return fail(0x20000001);
    case 'T': return fail(1460);
    case 'N': return fail(0x20000002);
    case 'P': return fail(87);
    case 'G': fake_connected = 0; return fail(0x20000011);
    default: break;
    }
    memcpy(buffer, fake_image, (size_t)fake_width * fake_height);
    if (params) {
        memset(params, 0, sizeof *params);
        params->nDose = 4;
        params->FakeReplicaParams.bCalculated = (options & 1) != 0;
        params->FakeReplicaParams.dblCalculatedValue = replica_value;
    }
    return 1;
}

FTR_BOOL ftrScanIsFingerPresent(FTRHANDLE h, FTRSCAN_FRAME_PARAMETERS *params)
{
    (void)params;
    if (bad(h)) return fail(87);
    return fail(4306);
}

FTR_BOOL ftrScanSetOptions(FTRHANDLE h, FTR_DWORD mask, FTR_DWORD flags)
{
    if (bad(h) || (mask & ~0x1FFFUL)) return fail(87);
    options = (options & ~mask) | (flags & mask);
    return 1;
}

FTR_BOOL ftrScanSetDiodesStatus(FTRHANDLE h, FTR_BYTE g, FTR_BYTE r)
{
    if (bad(h) || (g != 0 && g != 255) || (r != 0 && r != 255)) return fail(87);
    green = g == 255; red = r == 255;
    return 1;
}

FTR_BOOL ftrScanGetDeviceInfo(FTRHANDLE h, FTRSCAN_DEVICE_INFO *info)
{
    if (bad(h) || !info || info->dwStructSize != sizeof *info) return fail(87);
    info->byDeviceCompatibility = 11; info->wPixelSizeX = info->wPixelSizeY = 51;
    return 1;
}

FTR_BOOL ftrScanGetSerialNumber(FTRHANDLE h, void *buffer)
{
    static const unsigned char serial[8] = {0x46, 0x53, 0x38, 0x30, 0x00, 0x12, 0x34, 0x56};
    if (bad(h) || !buffer) return fail(87);
    memcpy(buffer, serial, 8);
    return 1;
}

FTR_BOOL ftrScanGetVersion(FTRHANDLE h, FTRSCAN_VERSION_INFO *info)
{
    if (bad(h) || !info || info->dwVersionInfoSize != sizeof *info) return fail(87);
    FTRSCAN_VERSION fw = {1, 2, 3, 4};
    info->FirmwareVersion = fw;
    return 1;
}

FTR_BOOL ftrScanGetFakeReplicaInterval(double *low, double *high)
{
    if (!low || !high) return fail(87);
    *low = 0.2; *high = 0.8;
    return 1;
}
