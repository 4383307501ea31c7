/* vm-standin.c: THE VM STAND-IN of the pharo-plugin-wizard test repository.
 *
 * The second test double of the test repository (the first is scripts/vmmaker-standin.py).
 * The real Pharo VM runs a Smalltalk image, which these machines cannot have; the wizard's
 * `try` step runs the built VM on a copy of a Pharo image with try-plugin.st. This program
 * is built and installed where pharo-vm puts its VM (B/build/vm/pharo) and answers that one
 * command line (SPEC "Trying the plugin"):
 *
 *   pharo --headless IMAGE --no-default-preferences --quit .../try-plugin.st \
 *       EXAMPLES PLUGIN BENCH
 *
 * What is real: the plugin library is loaded the way the VM loads a module (pharo-vm-notes
 * §3 and §11): dlopen of PLUGIN, PLUGIN.so, then libPLUGIN.so by bare name, so through the
 * dynamic linker and LD_LIBRARY_PATH; getModuleName() must start with PLUGIN; setInterpreter
 * gets an interpreter proxy and must answer non-zero; initialiseModule, if there, must answer
 * non-zero. Each primitive is looked up with dlsym and really called, with the receiver and
 * the arguments on a stack that the proxy functions below read and write.
 *
 * What is not: no Smalltalk runs. The arguments (Smalltalk literals, as text) are read by a
 * small reader that knows integers, strings, symbols, characters, nil, true and false; the
 * answer is the object on top of the stack after the call (a primitive pops its receiver and
 * arguments and pushes its result), printed as Smalltalk prints it. The VMMaker stand-in's C
 * does not compute: its primitives leave the stack as they find it, so through this VM they
 * answer their receiver ("a PharoPluginWizardTry") without arguments and their last argument
 * otherwise, which is what an echo primitive answers in the real VM too.
 *
 * Output, exactly try-plugin.st's lines:
 *   TRY <primitive> => <printString>        the primitive succeeded
 *   TRY <primitive> FAILED <error code>     nil (primitiveFail), or #'not found' when the
 *                                           module or the primitive did not load
 *   BENCH <primitive> <calls> per second    with BENCH 1, after a successful TRY
 * A primitive that calls a proxy function this stand-in leaves out (a NULL member) crashes
 * it; like the VM it then writes crash.dmp in the current folder and exits 255.
 *
 * Also: `pharo --version`, and without arguments the proxy's version. Written for the tests
 * after the facts in pharo-vm-notes.md; nothing copied from pharo-vm.
 */

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqVirtualMachine.h"

#ifndef VM_VERSION
# define VM_VERSION "unknown"
#endif

#define MAX_STACK 64
#define MAX_OBJECTS 4096
#define MAX_FIELDS 32
#define BENCH_SECONDS 0.2

/* ------------------------------------------------------------------ the object memory */

/* An oop is a SmallInteger ((value << 1) | 1) or an even index << 1 into `objects`. */
enum kind { NIL, TRUE_, FALSE_, RECEIVER, STRING, SYMBOL, CHARACTER, CLASS_STRING };

struct object {
	enum kind kind;
	char *bytes;		/* STRING, SYMBOL */
	sqInt size;		/* STRING, SYMBOL: bytes; CHARACTER: the code point */
};

static struct object objects[MAX_OBJECTS];
static sqInt objectCount;
static sqInt objectMark;	/* objects below it live until the next example */
static sqInt stack[MAX_STACK];
static sqInt stackPointer;	/* the number of slots in use */
static sqInt argumentCount;
static sqInt failureCode;

static sqInt newObject(enum kind kind, const char *bytes, sqInt size)
{
	struct object *object;

	if (objectCount >= MAX_OBJECTS) {
		objectCount = objectMark;	/* the stand-in's "garbage collection" */
	}
	object = &objects[objectCount];
	free(object->bytes);
	object->kind = kind;
	object->size = size;
	object->bytes = NULL;
	if (kind == STRING || kind == SYMBOL) {
		object->bytes = calloc((size_t) size + 1, 1);
		if (bytes) {
			memcpy(object->bytes, bytes, (size_t) size);
		}
	}
	return (objectCount++) << 1;
}

#define NO_OOP ((sqInt) -2)	/* even, and never an index: no object */

static sqInt nilOop, trueOop, falseOop, receiverOop, classStringOop;
#define FIXED_OBJECTS 5	/* the five above, made first */

static int isSmallInteger(sqInt oop)
{
	return oop & 1;
}

static struct object *objectAt(sqInt oop)
{
	if (isSmallInteger(oop) || oop < 0 || (oop >> 1) >= objectCount) {
		return NULL;
	}
	return &objects[oop >> 1];
}

/* ------------------------------------------------------------------ the proxy functions */

static sqInt fail(void)
{
	if (failureCode == 0) {
		failureCode = 1;
	}
	return 0;
}

static sqInt methodArgumentCount(void) { return argumentCount; }
static sqInt failed(void) { return failureCode != 0; }
static sqInt primitiveFail(void) { return fail(); }
static sqInt primitiveFailFor(sqInt code) { failureCode = code; return 0; }
static sqInt primitiveFailureCode(void) { return failureCode; }
static sqInt success(sqInt ok) { return ok ? 0 : fail(); }
static sqInt nilObject(void) { return nilOop; }
static sqInt trueObject(void) { return trueOop; }
static sqInt falseObject(void) { return falseOop; }
static sqInt classString(void) { return classStringOop; }
static sqInt majorVersion(void) { return VM_PROXY_MAJOR; }
static sqInt minorVersion(void) { return VM_PROXY_MINOR; }
static sqInt integerObjectOf(sqInt value) { return (value << 1) | 1; }
static sqInt isIntegerObject(sqInt oop) { return isSmallInteger(oop); }
static sqInt isKindOfInteger(sqInt oop) { return isSmallInteger(oop); }

static sqInt integerValueOf(sqInt oop)
{
	return oop >> 1;
}

static sqInt checkedIntegerValueOf(sqInt oop)
{
	if (!isSmallInteger(oop)) {
		return fail();
	}
	return oop >> 1;
}

static sqInt stackValue(sqInt offset)
{
	if (offset < 0 || offset >= stackPointer) {
		return fail();
	}
	return stack[stackPointer - 1 - offset];
}

static sqInt stackIntegerValue(sqInt offset)
{
	return checkedIntegerValueOf(stackValue(offset));
}

static sqInt stackObjectValue(sqInt offset)
{
	sqInt oop = stackValue(offset);

	if (isSmallInteger(oop)) {
		return fail();
	}
	return oop;
}

static sqInt pop(sqInt count)
{
	if (count > stackPointer) {
		return fail();
	}
	stackPointer -= count;
	return 0;
}

static sqInt push(sqInt oop)
{
	if (stackPointer >= MAX_STACK) {
		return fail();
	}
	stack[stackPointer++] = oop;
	return 0;
}

static sqInt popthenPush(sqInt count, sqInt oop)
{
	pop(count);
	return push(oop);
}

static sqInt pushBool(sqInt value) { return push(value ? trueOop : falseOop); }
static sqInt pushInteger(sqInt value) { return push(integerObjectOf(value)); }
static sqInt popthenPushBool(sqInt count, sqInt value) { pop(count); return pushBool(value); }
static sqInt popthenPushInteger(sqInt count, sqInt value) { pop(count); return pushInteger(value); }

static sqInt booleanValueOf(sqInt oop)
{
	if (oop == trueOop) {
		return 1;
	}
	if (oop != falseOop) {
		fail();
	}
	return 0;
}

static sqInt isBytes(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object && (object->kind == STRING || object->kind == SYMBOL);
}

static sqInt byteSizeOf(sqInt oop)
{
	return isBytes(oop) ? objectAt(oop)->size : 0;
}

static void *firstIndexableField(sqInt oop)
{
	return isBytes(oop) ? objectAt(oop)->bytes : NULL;
}

static sqInt instantiateClassindexableSize(sqInt classOop, sqInt size)
{
	if (classOop != classStringOop || size < 0) {
		return fail();
	}
	return newObject(STRING, NULL, size);
}

static sqInt stringForCString(const char *text)
{
	return newObject(STRING, text, (sqInt) strlen(text));
}

static struct VirtualMachine *theProxy(void)
{
	static struct VirtualMachine proxy;

	proxy.methodArgumentCount = methodArgumentCount;
	proxy.pop = pop;
	proxy.popthenPush = popthenPush;
	proxy.popthenPushBool = popthenPushBool;
	proxy.popthenPushInteger = popthenPushInteger;
	proxy.push = push;
	proxy.pushBool = pushBool;
	proxy.pushInteger = pushInteger;
	proxy.stackIntegerValue = stackIntegerValue;
	proxy.stackObjectValue = stackObjectValue;
	proxy.stackValue = stackValue;
	proxy.byteSizeOf = byteSizeOf;
	proxy.firstIndexableField = firstIndexableField;
	proxy.slotSizeOf = byteSizeOf;
	proxy.stSizeOf = byteSizeOf;
	proxy.isBytes = isBytes;
	proxy.isIntegerObject = isIntegerObject;
	proxy.isKindOfInteger = isKindOfInteger;
	proxy.booleanValueOf = booleanValueOf;
	proxy.checkedIntegerValueOf = checkedIntegerValueOf;
	proxy.integerObjectOf = integerObjectOf;
	proxy.integerValueOf = integerValueOf;
	proxy.stringForCString = stringForCString;
	proxy.classString = classString;
	proxy.falseObject = falseObject;
	proxy.nilObject = nilObject;
	proxy.trueObject = trueObject;
	proxy.instantiateClassindexableSize = instantiateClassindexableSize;
	proxy.failed = failed;
	proxy.majorVersion = majorVersion;
	proxy.minorVersion = minorVersion;
	proxy.primitiveFail = primitiveFail;
	proxy.primitiveFailFor = primitiveFailFor;
	proxy.primitiveFailureCode = primitiveFailureCode;
	proxy.success = success;
	return &proxy;
}

/* ------------------------------------------------------------------ literals and printStrings */

static sqInt readLiteralOop(const char *text);

/* One Smalltalk literal's text to an oop in *oop; 0 when this reader does not know it. */
static int readLiteral(const char *text, sqInt *oop)
{
	*oop = readLiteralOop(text);
	return *oop != NO_OOP;
}

static sqInt readLiteralOop(const char *text)
{
	size_t length = strlen(text);
	char *end;
	long long value;

	if (strcmp(text, "nil") == 0) return nilOop;
	if (strcmp(text, "true") == 0) return trueOop;
	if (strcmp(text, "false") == 0) return falseOop;
	if (length == 2 && text[0] == '$') return newObject(CHARACTER, NULL, (unsigned char) text[1]);
	value = strtoll(text, &end, 10);
	if (length > 0 && *end == '\0' && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) {
		return integerObjectOf((sqInt) value);
	}
	if (length >= 2 && (text[0] == '\'' || (text[0] == '#' && text[1] == '\''))) {
		const char *in = text[0] == '#' ? text + 2 : text + 1;
		char *buffer = malloc(length + 1);
		sqInt size = 0;
		sqInt oop;

		while (*in) {
			if (*in == '\'') {
				if (in[1] != '\'') break;
				in++;
			}
			buffer[size++] = *in++;
		}
		if (*in != '\'' || in[1] != '\0') {
			free(buffer);
			return NO_OOP;
		}
		oop = newObject(text[0] == '#' ? SYMBOL : STRING, buffer, size);
		free(buffer);
		return oop;
	}
	if (length >= 2 && text[0] == '#') {
		return newObject(SYMBOL, text + 1, (sqInt) length - 1);
	}
	return NO_OOP;
}

static int isPlainSymbol(const char *bytes)
{
	if (!*bytes || !(((*bytes | 32) >= 'a' && (*bytes | 32) <= 'z') || *bytes == '_')) return 0;
	for (; *bytes; bytes++) {
		char c = *bytes;
		if (!(((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ':'))
			return 0;
	}
	return 1;
}

/* The printString of an oop, escaped as try-plugin.st escapes it (\\ \t \n \r). */
static void printOop(FILE *out, sqInt oop)
{
	struct object *object = objectAt(oop);
	const char *bytes;
	sqInt i;

	if (isSmallInteger(oop)) {
		fprintf(out, "%ld", (long) (oop >> 1));
		return;
	}
	if (!object) {
		fputs("an unknown object", out);
		return;
	}
	switch (object->kind) {
	case NIL: fputs("nil", out); return;
	case TRUE_: fputs("true", out); return;
	case FALSE_: fputs("false", out); return;
	case RECEIVER: fputs("a PharoPluginWizardTry", out); return;
	case CLASS_STRING: fputs("ByteString", out); return;
	case CHARACTER: fprintf(out, "$%c", (int) object->size); return;
	case SYMBOL:
		if (isPlainSymbol(object->bytes)) {
			fprintf(out, "#%s", object->bytes);
			return;
		}
		/* a symbol that is not a plain word prints quoted, like a string after the # */
		fputc('#', out);
		/* fall through */
	case STRING:
		bytes = object->bytes;
		fputc('\'', out);
		for (i = 0; i < object->size; i++) {
			switch (bytes[i]) {
			case '\'': fputs("''", out); break;
			case '\\': fputs("\\\\", out); break;
			case '\t': fputs("\\t", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			default: fputc(bytes[i], out);
			}
		}
		fputc('\'', out);
		return;
	}
}

/* ------------------------------------------------------------------ the examples file */

static void unescape(char *field)
{
	char *in = field, *out = field;

	while (*in) {
		if (in[0] == '\\' && in[1]) {
			in++;
			*out++ = *in == 't' ? '\t' : *in == 'n' ? '\n' : *in == 'r' ? '\r' : *in;
			in++;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static int splitFields(char *line, char **fields)
{
	int count = 0;
	char *tab;

	for (;;) {
		if (count == MAX_FIELDS) return count;
		fields[count++] = line;
		tab = strchr(line, '\t');
		if (!tab) break;
		*tab = '\0';
		line = tab + 1;
	}
	for (int i = 0; i < count; i++) unescape(fields[i]);
	return count;
}

/* ------------------------------------------------------------------ loading the module */

typedef sqInt (*primitive_t)(void);

static void *module;
static int moduleTried;	/* the VM tries a module once, then remembers that it failed */

/* dlopen by bare name, as the VM's first tries do: the dynamic linker searches
 * LD_LIBRARY_PATH (and this program's RUNPATH); then check the module as the VM does. */
static void *loadModule(const char *name)
{
	static const char *patterns[] = { "%s", "%s.so", "lib%s.so" };
	char fileName[512];
	void *handle = NULL;
	const char *(*getModuleName)(void);
	sqInt (*setInterpreter)(struct VirtualMachine *);
	sqInt (*initialiseModule)(void);

	for (size_t i = 0; i < sizeof patterns / sizeof *patterns && !handle; i++) {
		snprintf(fileName, sizeof fileName, patterns[i], name);
		handle = dlopen(fileName, RTLD_NOW | RTLD_LOCAL);
	}
	if (!handle) {
		fprintf(stderr, "vm-standin: Failed to load module: %s\n", name);
		return NULL;
	}
	getModuleName = (const char *(*)(void)) dlsym(handle, "getModuleName");
	setInterpreter = (sqInt (*)(struct VirtualMachine *)) dlsym(handle, "setInterpreter");
	if (!getModuleName || strncmp(getModuleName(), name, strlen(name)) != 0) {
		fprintf(stderr, "vm-standin: %s: getModuleName() does not start with %s\n", fileName, name);
		return NULL;
	}
	if (!setInterpreter || !setInterpreter(theProxy())) {
		fprintf(stderr, "vm-standin: %s: setInterpreter missing or refused the proxy\n", fileName);
		return NULL;
	}
	initialiseModule = (sqInt (*)(void)) dlsym(handle, "initialiseModule");
	if (initialiseModule && !initialiseModule()) {
		fprintf(stderr, "vm-standin: %s: initialiseModule() answered 0\n", fileName);
		return NULL;
	}
	return handle;
}

/* ------------------------------------------------------------------ calling */

/* Call with the receiver and the arguments pushed; answer the top of the stack (meaningful
 * only when failureCode is still 0). */
static sqInt callPrimitive(primitive_t function, sqInt *arguments, int count)
{
	stackPointer = 0;
	failureCode = 0;
	argumentCount = count;
	push(receiverOop);
	for (int i = 0; i < count; i++) push(arguments[i]);
	function();
	return stackPointer > 0 ? stack[stackPointer - 1] : nilOop;
}

static double now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (double) time.tv_sec + (double) time.tv_nsec / 1e9;
}

static void tryExample(const char *pluginName, char **fields, int count, int bench)
{
	const char *primitive = fields[0];
	sqInt arguments[MAX_FIELDS];
	primitive_t function;
	sqInt answer;

	objectCount = objectMark = FIXED_OBJECTS;
	for (int i = 2; i < count; i++) {
		if (!readLiteral(fields[i], &arguments[i - 2])) {
			printf("TRY %s FAILED 'the VM stand-in cannot read the literal %s'\n", primitive, fields[i]);
			return;
		}
	}
	if (!moduleTried) {
		moduleTried = 1;
		module = loadModule(pluginName);
	}
	function = module ? (primitive_t) dlsym(module, primitive) : NULL;
	if (!function) {
		printf("TRY %s FAILED #'not found'\n", primitive);
		return;
	}
	objectMark = objectCount;
	answer = callPrimitive(function, arguments, count - 2);
	if (failureCode) {
		printf("TRY %s FAILED ", primitive);
		if (failureCode == 1) fputs("nil", stdout);
		else fprintf(stdout, "%ld", (long) failureCode);
		putchar('\n');
		return;
	}
	printf("TRY %s => ", primitive);
	printOop(stdout, answer);
	putchar('\n');
	if (bench) {
		long calls = 0;
		double start = now(), elapsed;
		do {
			for (int i = 0; i < 1000; i++) callPrimitive(function, arguments, count - 2);
			calls += 1000;
			elapsed = now() - start;
		} while (elapsed < BENCH_SECONDS);
		printf("BENCH %s %.3f per second\n", primitive, (double) calls / elapsed);
	}
}

/* ------------------------------------------------------------------ crashes */

static void crashed(int signalNumber)
{
	static const char dump[] = "Segmentation fault in a primitive (written by the VM stand-in)\n";
	static const char message[] = "vm-standin: the VM crashed; see crash.dmp\n";
	int fd = open("crash.dmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	(void) signalNumber;
	if (fd >= 0) {
		(void) !write(fd, dump, sizeof dump - 1);
		close(fd);
	}
	(void) !write(2, message, sizeof message - 1);
	_exit(255);
}

/* ------------------------------------------------------------------ main */

static int usage(const char *why)
{
	fprintf(stderr, "vm-standin: %s\n", why);
	fprintf(stderr, "usage: pharo --headless IMAGE --no-default-preferences --quit "
		".../try-plugin.st EXAMPLES PLUGIN BENCH (the only command line this stand-in runs)\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *positional[8];
	int count = 0;
	const char *script, *examples, *plugin, *bench;
	FILE *image, *file;
	char line[65536];

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("Pharo VM %s (test repository: the VM stand-in)\n", VM_VERSION);
		return 0;
	}
	if (argc == 1) {
		struct VirtualMachine *vm = sqGetInterpreterProxy();
		printf("Pharo VM %s, interpreter proxy %ld.%ld\n", VM_VERSION,
			(long) vm->majorVersion(), (long) vm->minorVersion());
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) continue;
		if (count == 8) return usage("too many arguments");
		positional[count++] = argv[i];
	}
	if (count != 5) return usage("expected IMAGE SCRIPT EXAMPLES PLUGIN BENCH");
	image = fopen(positional[0], "rb");
	if (!image) {
		fprintf(stderr, "vm-standin: cannot open the image %s\n", positional[0]);
		return 1;
	}
	fclose(image);
	script = positional[1];
	examples = positional[2];
	plugin = positional[3];
	bench = positional[4];
	if (strlen(script) < 13 || strcmp(script + strlen(script) - 13, "try-plugin.st") != 0)
		return usage("this stand-in runs only try-plugin.st");
	file = fopen(examples, "r");
	if (!file) {
		fprintf(stderr, "try-plugin: no examples file at %s\n", examples);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGSEGV, crashed);
	signal(SIGBUS, crashed);
	nilOop = newObject(NIL, NULL, 0);
	trueOop = newObject(TRUE_, NULL, 0);
	falseOop = newObject(FALSE_, NULL, 0);
	receiverOop = newObject(RECEIVER, NULL, 0);
	classStringOop = newObject(CLASS_STRING, NULL, 0);
	while (fgets(line, sizeof line, file)) {
		char *fields[MAX_FIELDS];
		int fieldCount;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) continue;
		fieldCount = splitFields(line, fields);
		if (fieldCount < 2) {
			printf("TRY %s FAILED 'expected primitive TAB answers TAB arguments'\n", fields[0]);
			continue;
		}
		tryExample(plugin, fields, fieldCount, strcmp(bench, "1") == 0);
	}
	fclose(file);
	return 0;
}
