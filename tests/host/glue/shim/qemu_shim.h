/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_shim.h - the handful of QEMU 7.2 APIs hv/qemu/spapr_vmc.c uses, for
 * compiling the real glue into a host fuzzer (tests/host/glue/fuzz_spapr_vmc.c
 * implements the functions). Types carry only the fields the glue touches;
 * the behaviour the glue depends on (spapr_vio_send_crq(), DMA through the
 * TCE table, chardev writes, bottom halves, timers, run-state handlers, the
 * project's spapr_vio.c hooks) follows QEMU 7.2 and is
 * documented at each function in the fuzzer. VMState and properties are
 * recorded in tables so the fuzzer can apply defaults and run a migration.
 */
#ifndef VMCFW_TESTS_GLUE_QEMU_SHIM_H
#define VMCFW_TESTS_GLUE_QEMU_SHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))

typedef uint64_t target_ulong;
typedef unsigned int guint;
typedef int gboolean;
typedef int GIOCondition;
typedef void *gpointer;
#define G_IO_OUT		4
#define G_IO_HUP		16
#define G_SOURCE_REMOVE		0

void *g_malloc(size_t n);
void *g_malloc0(size_t n);
void g_free(void *p);
bool g_source_remove(guint id);

/* errors and logs */
typedef struct Error Error;
void error_setg(Error **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG_GUEST_ERROR		(1 << 11)
void qemu_log_mask(int mask, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* main loop: bottom halves, the virtual clock, the run state and its handlers */
typedef void QEMUBHFunc(void *opaque);
typedef struct QEMUBH QEMUBH;
QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);
typedef enum { QEMU_CLOCK_REALTIME, QEMU_CLOCK_VIRTUAL } QEMUClockType;
typedef void QEMUTimerCB(void *opaque);
typedef struct QEMUTimer QEMUTimer;
QEMUTimer *timer_new_us(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
void timer_mod(QEMUTimer *t, int64_t expire_us);
void timer_del(QEMUTimer *t);
void timer_free(QEMUTimer *t);
int64_t qemu_clock_get_us(QEMUClockType type);
bool runstate_is_running(void);
typedef enum { RUN_STATE_PAUSED, RUN_STATE_RUNNING } RunState;
typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
typedef struct VMChangeStateEntry VMChangeStateEntry;
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque);

/* chardev */
typedef enum { CHR_EVENT_BREAK, CHR_EVENT_OPENED, CHR_EVENT_MUX_IN, CHR_EVENT_MUX_OUT,
	       CHR_EVENT_CLOSED } QEMUChrEvent;
typedef struct CharBackend { int present; } CharBackend;
typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);
typedef gboolean FEWatchFunc(void *do_not_use, GIOCondition cond, void *opaque);
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);
guint qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond, FEWatchFunc func, void *opaque);
void qemu_chr_fe_disconnect(CharBackend *be);
bool qemu_chr_fe_backend_connected(CharBackend *be);
void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
			      IOReadHandler *fd_read, IOEventHandler *fd_event, void *be_change,
			      void *opaque, void *context, bool set_open);

/* DMA */
typedef struct AddressSpace { int unused; } AddressSpace;
typedef enum { DMA_DIRECTION_TO_DEVICE = 0, DMA_DIRECTION_FROM_DEVICE = 1 } DMADirection;
typedef int MemTxResult;
typedef struct { int unused; } MemTxAttrs;
#define MEMTX_OK		0
#define MEMTXATTRS_UNSPECIFIED	((MemTxAttrs){ 0 })
bool dma_memory_valid(AddressSpace *as, uint64_t addr, uint64_t len, DMADirection dir,
		      MemTxAttrs attrs);
MemTxResult dma_memory_rw(AddressSpace *as, uint64_t addr, void *buf, uint64_t len,
			  DMADirection dir, MemTxAttrs attrs);

/* sPAPR and VIO */
#define H_FUNCTION		-2
#define H_COPY_RDMA		0x110
typedef struct PowerPCCPU PowerPCCPU;
typedef struct SpaprMachineState SpaprMachineState;
typedef struct SpaprTceTable {
	uint32_t liobn;
	uint32_t nb_table;
	uint64_t bus_offset;
	uint32_t page_shift;
	uint64_t *table;
	bool bypass;
} SpaprTceTable;
typedef struct SpaprVioDevice SpaprVioDevice;
typedef struct SpaprVioCrq {
	uint64_t qladdr;
	uint32_t qsize;
	uint32_t qnext;
	int (*SendFunc)(SpaprVioDevice *vdev, uint8_t *crq);
} SpaprVioCrq;
struct SpaprVioDevice {
	uint32_t reg;
	uint64_t signal_state;
	SpaprVioCrq crq;
	AddressSpace as;
	SpaprTceTable *tcet;
};
typedef target_ulong (*spapr_hcall_fn)(PowerPCCPU *cpu, SpaprMachineState *sm,
				       target_ulong opcode, target_ulong *args);
void spapr_register_hypercall(target_ulong opcode, spapr_hcall_fn fn);
int spapr_vio_send_crq(SpaprVioDevice *dev, uint8_t *crq);
/* the project's hooks in spapr_vio.c (hv/qemu/patches/0001) */
extern void (*spapr_vio_crq_notify)(SpaprVioDevice *dev, bool registered);
extern void (*spapr_vio_crq_enable_notify)(SpaprVioDevice *dev);
SpaprTceTable *spapr_tce_find_by_liobn(target_ulong liobn);

/* QOM, just enough for one device class */
typedef struct ObjectClass { int unused; } ObjectClass;
typedef struct VMStateDescription VMStateDescription;
typedef struct Property Property;
typedef struct DeviceClass {
	unsigned long categories[1];
	const char *desc;
	const VMStateDescription *vmsd;
	Property *props;
} DeviceClass;
typedef struct SpaprVioDeviceClass {
	DeviceClass parent;
	void (*realize)(SpaprVioDevice *dev, Error **errp);
	void (*reset)(SpaprVioDevice *dev);
	int (*devnode)(SpaprVioDevice *dev, void *fdt, int node_off);
	const char *dt_name, *dt_type, *dt_compatible;
	uint32_t signal_mask;
	uint32_t rtce_window_size;
} SpaprVioDeviceClass;
#define DEVICE_CLASS(k)			(&((SpaprVioDeviceClass *)(k))->parent)
#define VIO_SPAPR_DEVICE_CLASS(k)	((SpaprVioDeviceClass *)(k))
#define DEVICE_CATEGORY_MISC		0
#define set_bit(nr, addr)		((addr)[0] |= 1ul << (nr))
#define TYPE_VIO_SPAPR_DEVICE		"vio-spapr-device"
#define OBJECT_DECLARE_SIMPLE_TYPE(T, UP)					\
	typedef struct T T;							\
	static inline T *UP(const void *obj) { return (T *)obj; }
typedef struct TypeInfo {
	const char *name;
	const char *parent;
	size_t instance_size;
	void (*class_init)(ObjectClass *klass, void *data);
} TypeInfo;
void type_register_static(const TypeInfo *info);
#define type_init(fn)	void shim_type_init(void) { fn(); }

/* properties: a table the fuzzer applies the defaults of */
enum shim_prop_kind { SHIM_PROP_END, SHIM_PROP_U32, SHIM_PROP_BOOL, SHIM_PROP_CHR,
		      SHIM_PROP_STR };
struct Property {
	const char *name;
	size_t offset;
	enum shim_prop_kind kind;
	uint64_t def;
};
#define DEFINE_PROP_UINT32(n, T, f, d)	{ n, offsetof(T, f), SHIM_PROP_U32, d }
#define DEFINE_PROP_BOOL(n, T, f, d)	{ n, offsetof(T, f), SHIM_PROP_BOOL, d }
#define DEFINE_PROP_CHR(n, T, f)	{ n, offsetof(T, f), SHIM_PROP_CHR, 0 }
#define DEFINE_PROP_STRING(n, T, f)	{ n, offsetof(T, f), SHIM_PROP_STR, 0 }
#define DEFINE_SPAPR_PROPERTIES(T, f)	{ "reg", offsetof(T, f.reg), SHIM_PROP_U32, 0 }
#define DEFINE_PROP_END_OF_LIST()	{ NULL, 0, SHIM_PROP_END, 0 }
#define device_class_set_props(dc, p)	((dc)->props = (p))

/* VMState: the fuzzer runs pre_save/post_save/pre_load/post_load and the length check */
typedef struct VMStateField {
	const char *name;
	bool (*field_exists)(void *opaque, int version_id);
} VMStateField;
struct VMStateDescription {
	const char *name;
	int version_id, minimum_version_id;
	int (*pre_save)(void *opaque);
	int (*post_save)(void *opaque);
	int (*pre_load)(void *opaque);
	int (*post_load)(void *opaque, int version_id);
	const VMStateField *fields;
};
#define VMSTATE_SPAPR_VIO(f, T)			{ #f, NULL }
#define VMSTATE_BOOL(f, T)			{ #f, NULL }
#define VMSTATE_UINT32(f, T)			{ #f, NULL }
#define VMSTATE_UINT64(f, T)			{ #f, NULL }
#define VMSTATE_VBUFFER_ALLOC_UINT32(f, T, v, test, len)	{ #f, test }
#define VMSTATE_END_OF_LIST()			{ NULL, NULL }

/* device tree */
int fdt_setprop(void *fdt, int node, const char *name, const void *val, int len);

#endif /* VMCFW_TESTS_GLUE_QEMU_SHIM_H */
