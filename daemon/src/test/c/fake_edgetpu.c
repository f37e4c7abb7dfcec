/*
 * A stand-in for libedgetpu.so.1, used only by EdgeTpuStandInTest (compiled by the test with gcc -shared -fPIC).
 *
 * It exports the same C API as edgetpu_c.h, so vigil's FFM binding loads, lists, creates and frees exactly as it
 * would against the real library; the delegate it hands out is a real XNNPACK delegate from the TFLite library the
 * JVM already loaded, so applying it and running a model are real too. No Edge TPU op can run on it: tests use the
 * CPU build of a model. Extra functions (fake_edgetpu_*) let the test choose the devices and read counters that
 * prove every list and delegate was freed exactly once.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum edgetpu_device_type { EDGETPU_APEX_PCI = 0, EDGETPU_APEX_USB = 1 };
struct edgetpu_device { enum edgetpu_device_type type; const char* path; };
struct edgetpu_option { const char* name; const char* value; };

/*
 * TfLiteXNNPackDelegateOptions starts with num_threads and flags; the rest only has to fit. Being larger than
 * 16 bytes, it is returned through a caller-provided buffer on x86_64 and aarch64, so an oversized copy is safe.
 */
typedef struct { int32_t num_threads; uint32_t flags; unsigned char rest[504]; } xnnpack_options;
typedef xnnpack_options (*options_default_fn)(void);
typedef void* (*create_fn)(const xnnpack_options*);
typedef void (*delete_fn)(void*);

static options_default_fn xnn_defaults;
static create_fn xnn_create;
static delete_fn xnn_delete;
static char last_error[512];

static int usb_devices = 1, pci_devices = 0, fail_create;
static int live_lists, live_delegates, created_delegates, bad_frees, verbosity = -1;
static char last_request[1024];

#define MAX_DELEGATES 64
static void* delegates[MAX_DELEGATES];

/* Points the stand-in at the TFLite library (already loaded by the JVM); NULL on success, else the reason. */
const char* fake_edgetpu_set_tflite(const char* path) {
    void* lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) lib = dlopen(path, RTLD_NOW);
    if (lib == NULL) {
        snprintf(last_error, sizeof last_error, "dlopen %s: %s", path, dlerror());
        return last_error;
    }
    xnn_defaults = (options_default_fn) dlsym(lib, "TfLiteXNNPackDelegateOptionsDefault");
    xnn_create = (create_fn) dlsym(lib, "TfLiteXNNPackDelegateCreate");
    xnn_delete = (delete_fn) dlsym(lib, "TfLiteXNNPackDelegateDelete");
    if (xnn_defaults == NULL || xnn_create == NULL || xnn_delete == NULL) {
        snprintf(last_error, sizeof last_error, "%s does not export the TfLiteXNNPackDelegate* functions", path);
        return last_error;
    }
    return NULL;
}

void fake_edgetpu_set_devices(int usb, int pci) { usb_devices = usb; pci_devices = pci; }
void fake_edgetpu_set_fail_create(int fail) { fail_create = fail; }
int fake_edgetpu_live_device_lists(void) { return live_lists; }
int fake_edgetpu_live_delegates(void) { return live_delegates; }
int fake_edgetpu_created_delegates(void) { return created_delegates; }
/* Frees of a pointer this library never handed out, or handed out and already freed. */
int fake_edgetpu_bad_frees(void) { return bad_frees; }
int fake_edgetpu_verbosity(void) { return verbosity; }
/* "usb /dev/fake/usb0 Performance=max" for the last edgetpu_create_delegate call. */
const char* fake_edgetpu_last_request(void) { return last_request; }

const char* edgetpu_version(void) { return "fake-edgetpu 1.0 (vigil test stand-in)"; }

void edgetpu_verbosity(int v) { verbosity = v; }

struct edgetpu_device* edgetpu_list_devices(size_t* num_devices) {
    size_t n = (size_t) (usb_devices + pci_devices);
    *num_devices = n;
    /*
     * One block: the array, then the path strings, so edgetpu_free_devices is a single free(). Never NULL, not even
     * for zero devices, so the test sees an empty list freed as well.
     */
    size_t paths = 32 * n;
    struct edgetpu_device* list = calloc(1, n * sizeof *list + paths + 1);
    if (list == NULL) { *num_devices = 0; return NULL; }
    char* text = (char*) (list + n);
    size_t k = 0;
    for (int i = 0; i < pci_devices; i++, k++) {
        snprintf(text + 32 * k, 32, "/dev/apex_%d", i);
        list[k].type = EDGETPU_APEX_PCI;
        list[k].path = text + 32 * k;
    }
    for (int i = 0; i < usb_devices; i++, k++) {
        snprintf(text + 32 * k, 32, "/dev/fake/usb%d", i);
        list[k].type = EDGETPU_APEX_USB;
        list[k].path = text + 32 * k;
    }
    live_lists++;
    return list;
}

void edgetpu_free_devices(struct edgetpu_device* dev) {
    if (dev == NULL) return;
    live_lists--;
    free(dev);
}

void* edgetpu_create_delegate(enum edgetpu_device_type type, const char* name,
                              const struct edgetpu_option* options, size_t num_options) {
    int n = snprintf(last_request, sizeof last_request, "%s %s", type == EDGETPU_APEX_USB ? "usb" : "pci",
                     name == NULL ? "(null)" : name);
    for (size_t i = 0; i < num_options && n > 0 && (size_t) n < sizeof last_request; i++)
        n += snprintf(last_request + n, sizeof last_request - n, " %s=%s", options[i].name, options[i].value);
    if (fail_create || xnn_create == NULL) return NULL;
    int slot = -1;
    for (int i = 0; i < MAX_DELEGATES; i++) if (delegates[i] == NULL) { slot = i; break; }
    if (slot < 0) return NULL;
    xnnpack_options opts = xnn_defaults();
    opts.num_threads = 1;
    opts.flags |= 0x1 | 0x2; /* QS8 and QU8, so the quantized model's operators really run on the delegate */
    void* d = xnn_create(&opts);
    if (d == NULL) return NULL;
    delegates[slot] = d;
    live_delegates++;
    created_delegates++;
    return d;
}

void edgetpu_free_delegate(void* delegate) {
    for (int i = 0; i < MAX_DELEGATES; i++) {
        if (delegate != NULL && delegates[i] == delegate) {
            delegates[i] = NULL;
            live_delegates--;
            xnn_delete(delegate);
            return;
        }
    }
    bad_frees++;
}
