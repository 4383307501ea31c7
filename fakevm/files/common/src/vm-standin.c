/* vm-standin.c: THE VM STAND-IN of the pharo-plugin-wizard test repository.
 *
 * The second test double of the test repository (the first is scripts/vmmaker-standin.py).
 * The real Pharo VM runs a Smalltalk image, which these machines cannot have; the wizard's
 * `try` step runs the built VM on a copy of a Pharo image with try-plugin.st. This program
 * is built and installed where pharo-vm puts its VM (B/build/vm/pharo) and answers that one
 * command line (the try step's, README "Try it"):
 *
 *   pharo --headless IMAGE --no-default-preferences --quit .../try-plugin.st \
 *       EXAMPLES PLUGIN BENCH
 *
 * What is real: the plugin library is loaded the way the VM loads a module (pharo-vm's
 * src/externalPrimitives.c): dlopen of PLUGIN, PLUGIN.so, then libPLUGIN.so by bare name,
 * so through the dynamic linker and LD_LIBRARY_PATH; getModuleName() must start with
 * PLUGIN; setInterpreter gets an interpreter proxy and must answer non-zero;
 * initialiseModule, if there, must answer non-zero. Each primitive is looked up with dlsym
 * and really called, with the receiver and the arguments on a stack that the proxy
 * functions below read and write.
 *
 * What is not: no Smalltalk runs. The examples file is read as try-plugin.st reads it
 * (format 2: the line #try-examples 2, then primitive TAB receiver TAB answers TAB
 * arguments...). The receiver and the arguments (values: one Smalltalk literal, perhaps one
 * conversion) are read by a small reader that knows integers (decimal and radix), floats,
 * strings, symbols, characters, nil, true, false, literal arrays and byte arrays, and the
 * conversions asFloatArray, asByteArray, asWordArray, asIntegerArray, asFloat, asString and
 * asSymbol; an empty receiver is the script's own object ("a PharoPluginWizardTry"). The
 * answer is the object on top of the stack after the call (a primitive pops its receiver
 * and arguments and pushes its result), printed as a Pharo 12 image prints it (a
 * Float32Array for asFloatArray). The VMMaker stand-in's C does not compute: its primitives
 * leave the stack as they find it, so through this VM they answer their receiver without
 * arguments and their last argument otherwise, which is what an echo primitive answers in
 * the real VM too.
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
 * from what pharo-vm's sources do; nothing copied from pharo-vm.
 */

#define _POSIX_C_SOURCE 200809L	/* open_memstream, clock_gettime */

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
enum kind {
	NIL, TRUE_, FALSE_, RECEIVER, STRING, SYMBOL, CHARACTER, CLASS_STRING,
	FLOAT, BYTES, FLOAT32, WORDS, INTS, ARRAY
};

struct object {
	enum kind kind;
	char *bytes;		/* the indexable part: bytes, 32-bit words or oops */
	sqInt size;		/* indexables: the element count; CHARACTER: the code point */
	double number;		/* FLOAT */
};

static struct object objects[MAX_OBJECTS];
static sqInt objectCount;
static sqInt objectMark;	/* objects below it live until the next example */
static sqInt stack[MAX_STACK];
static sqInt stackPointer;	/* the number of slots in use */
static sqInt argumentCount;
static sqInt failureCode;

/* The size in bytes of one element of an indexable kind, 0 for the others. */
static size_t elementSize(enum kind kind)
{
	switch (kind) {
	case STRING: case SYMBOL: case BYTES: return 1;
	case FLOAT32: case WORDS: case INTS: return 4;
	case ARRAY: return sizeof(sqInt);
	default: return 0;
	}
}

static sqInt newObject(enum kind kind, const char *bytes, sqInt size)
{
	struct object *object;
	size_t unit = elementSize(kind);

	if (objectCount >= MAX_OBJECTS) {
		objectCount = objectMark;	/* the stand-in's "garbage collection" */
	}
	object = &objects[objectCount];
	free(object->bytes);
	object->kind = kind;
	object->size = size;
	object->number = 0;
	object->bytes = NULL;
	if (unit) {
		object->bytes = calloc((size_t) size + 1, unit);
		if (bytes) {
			memcpy(object->bytes, bytes, (size_t) size * unit);
		}
	}
	return (objectCount++) << 1;
}

static sqInt newFloat(double value)
{
	sqInt oop = newObject(FLOAT, NULL, 0);

	objects[oop >> 1].number = value;
	return oop;
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

	return object && elementSize(object->kind) == 1;
}

static sqInt isWords(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object && elementSize(object->kind) == 4;
}

static sqInt isWordsOrBytes(sqInt oop) { return isBytes(oop) || isWords(oop); }

static sqInt byteSizeOf(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object ? object->size * (sqInt) elementSize(object->kind) : 0;
}

static sqInt stSizeOf(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object && elementSize(object->kind) ? object->size : 0;
}

static void *firstIndexableField(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object ? object->bytes : NULL;
}

static sqInt fetchPointerofObject(sqInt index, sqInt oop)
{
	struct object *object = objectAt(oop);

	if (!object || object->kind != ARRAY || index < 0 || index >= object->size) {
		return fail();
	}
	return ((sqInt *) object->bytes)[index];
}

static sqInt isFloatObject(sqInt oop)
{
	struct object *object = objectAt(oop);

	return object && object->kind == FLOAT;
}

static double floatValueOf(sqInt oop)
{
	if (!isFloatObject(oop)) {
		fail();
		return 0.0;
	}
	return objectAt(oop)->number;
}

static sqInt floatObjectOf(double value) { return newFloat(value); }
static double stackFloatValue(sqInt offset) { return floatValueOf(stackValue(offset)); }
static sqInt pushFloat(double value) { return push(newFloat(value)); }
static sqInt popthenPushFloat(sqInt count, double value) { pop(count); return pushFloat(value); }
static sqInt positive32BitIntegerFor(sqInt value) { return integerObjectOf(value & 0xFFFFFFFF); }

static usqInt positive32BitValueOf(sqInt oop)
{
	sqInt value = checkedIntegerValueOf(oop);

	if (value < 0 || value > 0xFFFFFFFFLL) {
		return (usqInt) fail();
	}
	return (usqInt) value;
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
	proxy.fetchPointerofObject = fetchPointerofObject;
	proxy.slotSizeOf = stSizeOf;
	proxy.stSizeOf = stSizeOf;
	proxy.isBytes = isBytes;
	proxy.isWords = isWords;
	proxy.isWordsOrBytes = isWordsOrBytes;
	proxy.isFloatObject = isFloatObject;
	proxy.floatValueOf = floatValueOf;
	proxy.floatObjectOf = floatObjectOf;
	proxy.stackFloatValue = stackFloatValue;
	proxy.pushFloat = pushFloat;
	proxy.popthenPushFloat = popthenPushFloat;
	proxy.positive32BitIntegerFor = positive32BitIntegerFor;
	proxy.positive32BitValueOf = positive32BitValueOf;
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

/* A cursor over one value's text (try-plugin.st reads it with the image's literal parser). */
struct reader {
	const char *text;
	size_t at;
};

static int isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static int isDigit(char c) { return c >= '0' && c <= '9'; }
static int isLetter(char c) { return ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_'; }

static void skipBlanks(struct reader *r)
{
	while (isBlank(r->text[r->at])) r->at++;
}

static sqInt readOne(struct reader *r, int inArray);

/* A quoted string from r->at (on the opening quote): a new STRING or SYMBOL, or NO_OOP. */
static sqInt readQuoted(struct reader *r, enum kind kind)
{
	const char *in = r->text + r->at + 1;
	char *buffer = malloc(strlen(in) + 1);
	sqInt size = 0, oop;

	for (;;) {
		if (!*in) {
			free(buffer);
			return NO_OOP;
		}
		if (*in == '\'') {
			if (in[1] != '\'') break;
			in++;
		}
		buffer[size++] = *in++;
	}
	r->at = (size_t) (in + 1 - r->text);
	oop = newObject(kind, buffer, size);
	free(buffer);
	return oop;
}

static sqInt readNumber(struct reader *r)
{
	const char *start = r->text + r->at;
	const char *p = start;
	int negative = *p == '-';
	long long whole = 0;

	if (negative) p++;
	while (isDigit(*p)) whole = whole * 10 + (*p++ - '0');
	if (*p == 'r') {
		long long radix = whole, value = 0;
		int digits = 0;

		for (p++;; p++, digits++) {
			int digit = isDigit(*p) ? *p - '0' : (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 10 : 99;
			if (digit >= radix) break;
			value = value * radix + digit;
		}
		if (!digits) return NO_OOP;
		r->at = (size_t) (p - r->text);
		return integerObjectOf((sqInt) (negative ? -value : value));
	}
	if ((*p == '.' && isDigit(p[1])) || (*p == 'e' && (isDigit(p[1]) || (p[1] == '-' && isDigit(p[2]))))) {
		char *end;
		double value = strtod(start, &end);

		r->at = (size_t) (end - r->text);
		return newFloat(value);
	}
	r->at = (size_t) (p - r->text);
	return integerObjectOf((sqInt) (negative ? -whole : whole));
}

/* The elements up to `closing` into a new ARRAY (or BYTES for a byte array). */
static sqInt readElements(struct reader *r, char closing, enum kind kind)
{
	sqInt elements[256];
	sqInt count = 0, oop;

	for (;;) {
		skipBlanks(r);
		if (r->text[r->at] == closing) {
			r->at++;
			break;
		}
		if (!r->text[r->at] || count == 256) return NO_OOP;
		elements[count] = kind == BYTES ? readNumber(r) : readOne(r, 1);
		if (elements[count] == NO_OOP) return NO_OOP;
		count++;
	}
	if (kind == BYTES) {
		oop = newObject(BYTES, NULL, count);
		for (sqInt i = 0; i < count; i++) objectAt(oop)->bytes[i] = (char) (elements[i] >> 1);
		return oop;
	}
	return newObject(ARRAY, (const char *) elements, count);
}

static sqInt readWord(struct reader *r, int inArray)
{
	size_t start = r->at, length;
	char word[128];

	while (isLetter(r->text[r->at]) || isDigit(r->text[r->at]) || r->text[r->at] == ':') r->at++;
	length = r->at - start;
	if (length == 0 || length >= sizeof word) return NO_OOP;
	memcpy(word, r->text + start, length);
	word[length] = '\0';
	if (strcmp(word, "nil") == 0) return nilOop;
	if (strcmp(word, "true") == 0) return trueOop;
	if (strcmp(word, "false") == 0) return falseOop;
	return inArray ? newObject(SYMBOL, word, (sqInt) length) : NO_OOP;
}

/* One literal at r->at: NO_OOP when this reader does not know it. */
static sqInt readOne(struct reader *r, int inArray)
{
	const char *at = r->text + r->at;

	if (*at == '\'') return readQuoted(r, STRING);
	if (*at == '$' && at[1]) {
		r->at += 2;
		return newObject(CHARACTER, NULL, (unsigned char) at[1]);
	}
	if (isDigit(*at) || (*at == '-' && isDigit(at[1]))) return readNumber(r);
	if (*at == '(' && inArray) {
		r->at++;
		return readElements(r, ')', ARRAY);
	}
	if (*at == '#') {
		r->at++;
		if (at[1] == '(') { r->at++; return readElements(r, ')', ARRAY); }
		if (at[1] == '[') { r->at++; return readElements(r, ']', BYTES); }
		if (at[1] == '\'') return readQuoted(r, SYMBOL);
		if (isLetter(at[1])) {
			sqInt oop = readWord(r, 1);
			struct object *object = objectAt(oop);
			return object && object->kind == SYMBOL ? oop : NO_OOP;
		}
		return NO_OOP;
	}
	if (isLetter(*at)) return readWord(r, inArray);
	return NO_OOP;
}

static void printOop(FILE *out, sqInt oop);

/* A conversion of the fixed list, applied as the image's method does; NO_OOP if unknown. */
static sqInt convert(sqInt oop, const char *conversion)
{
	struct object *object = objectAt(oop);
	enum kind target;
	sqInt size, result;

	if (strcmp(conversion, "asFloat") == 0) {
		if (isSmallInteger(oop)) return newFloat((double) (oop >> 1));
		return isFloatObject(oop) ? oop : NO_OOP;
	}
	if (strcmp(conversion, "asString") == 0 || strcmp(conversion, "asSymbol") == 0) {
		enum kind kind = conversion[2] == 'S' && conversion[3] == 't' ? STRING : SYMBOL;
		char *text = NULL;
		size_t length = 0;
		FILE *stream;

		if (object && (object->kind == STRING || object->kind == SYMBOL)) {
			return newObject(kind, object->bytes, object->size);
		}
		if (kind == SYMBOL) return NO_OOP;
		stream = open_memstream(&text, &length);
		printOop(stream, oop);
		fclose(stream);
		result = newObject(STRING, text, (sqInt) length);
		free(text);
		return result;
	}
	if (strcmp(conversion, "asFloatArray") == 0) target = FLOAT32;
	else if (strcmp(conversion, "asByteArray") == 0) target = BYTES;
	else if (strcmp(conversion, "asWordArray") == 0) target = WORDS;
	else if (strcmp(conversion, "asIntegerArray") == 0) target = INTS;
	else return NO_OOP;
	if (!object || !(object->kind == ARRAY || object->kind == BYTES
			|| (target == BYTES && (object->kind == STRING || object->kind == SYMBOL)))) {
		return NO_OOP;
	}
	size = object->size;
	result = newObject(target, NULL, size);
	object = objectAt(oop);	/* newObject may have moved nothing, but stay safe */
	for (sqInt i = 0; i < size; i++) {
		sqInt element = object->kind == ARRAY
			? ((sqInt *) object->bytes)[i]
			: integerObjectOf((unsigned char) object->bytes[i]);
		double number = isSmallInteger(element) ? (double) (element >> 1)
			: isFloatObject(element) ? objectAt(element)->number : 0.0;

		if (!isSmallInteger(element) && !(target == FLOAT32 && isFloatObject(element))) return NO_OOP;
		switch (target) {
		case FLOAT32: ((float *) objectAt(result)->bytes)[i] = (float) number; break;
		case BYTES: objectAt(result)->bytes[i] = (char) (element >> 1); break;
		case WORDS: ((uint32_t *) objectAt(result)->bytes)[i] = (uint32_t) (element >> 1); break;
		default: ((int32_t *) objectAt(result)->bytes)[i] = (int32_t) (element >> 1); break;
		}
	}
	return result;
}

/* A value's text (one literal, perhaps one conversion) to an oop in *oop; 0 when this
 * reader does not know it. */
static int readLiteral(const char *text, sqInt *oop)
{
	struct reader r = { text, 0 };

	skipBlanks(&r);
	*oop = readOne(&r, 0);
	if (*oop == NO_OOP) return 0;
	skipBlanks(&r);
	if (isLetter(text[r.at])) {
		char conversion[32];
		size_t start = r.at;

		while (isLetter(text[r.at]) || isDigit(text[r.at])) r.at++;
		if (r.at - start >= sizeof conversion) return 0;
		memcpy(conversion, text + start, r.at - start);
		conversion[r.at - start] = '\0';
		*oop = convert(*oop, conversion);
		if (*oop == NO_OOP) return 0;
		skipBlanks(&r);
	}
	return text[r.at] == '\0';
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

/* A Float as Pharo prints it: the shortest digits that read back, always with a fraction. */
static void printFloat(FILE *out, double value)
{
	char text[64];
	char *exponent;

	for (int digits = 1; digits <= 17; digits++) {
		snprintf(text, sizeof text, "%.*g", digits, value);
		if (strtod(text, NULL) == value) break;
	}
	exponent = strchr(text, 'e');
	if (exponent) {
		char mantissa[sizeof text + 4];
		int power = atoi(exponent + 1);

		*exponent = '\0';
		snprintf(mantissa, sizeof mantissa, "%s%s", text, strchr(text, '.') ? "" : ".0");
		fprintf(out, "%se%d", mantissa, power);
		return;
	}
	fprintf(out, "%s%s", text, strchr(text, '.') || strchr(text, 'n') ? "" : ".0");
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
	case FLOAT: printFloat(out, object->number); return;
	case BYTES:
		fputs("#[", out);
		for (i = 0; i < object->size; i++) {
			fprintf(out, i ? " %u" : "%u", (unsigned) (unsigned char) object->bytes[i]);
		}
		fputc(']', out);
		return;
	case FLOAT32: case WORDS: case INTS:
		fputs(object->kind == FLOAT32 ? "a Float32Array(" : object->kind == WORDS
			? "a WordArray(" : "an IntegerArray(", out);
		for (i = 0; i < object->size; i++) {
			if (i) fputc(' ', out);
			if (object->kind == FLOAT32) printFloat(out, ((float *) object->bytes)[i]);
			else if (object->kind == WORDS) fprintf(out, "%lu", (unsigned long) ((uint32_t *) object->bytes)[i]);
			else fprintf(out, "%ld", (long) ((int32_t *) object->bytes)[i]);
		}
		fputc(')', out);
		return;
	case ARRAY:
		fputs("#(", out);
		for (i = 0; i < object->size; i++) {
			if (i) fputc(' ', out);
			printOop(out, ((sqInt *) object->bytes)[i]);
		}
		fputc(')', out);
		return;
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
static sqInt callPrimitive(primitive_t function, sqInt receiver, sqInt *arguments, int count)
{
	stackPointer = 0;
	failureCode = 0;
	argumentCount = count;
	push(receiver);
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

/* fields: primitive, receiver (empty: the script's own object), answers, arguments... */
static void tryExample(const char *pluginName, char **fields, int count, int bench)
{
	const char *primitive = fields[0];
	sqInt arguments[MAX_FIELDS];
	sqInt receiver = receiverOop;
	int argumentTotal = count - 3;
	primitive_t function;
	sqInt answer;

	objectCount = objectMark = FIXED_OBJECTS;
	if (fields[1][0] && !readLiteral(fields[1], &receiver)) {
		printf("TRY %s FAILED 'the VM stand-in cannot read the value %s'\n", primitive, fields[1]);
		return;
	}
	for (int i = 3; i < count; i++) {
		if (!readLiteral(fields[i], &arguments[i - 3])) {
			printf("TRY %s FAILED 'the VM stand-in cannot read the value %s'\n", primitive, fields[i]);
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
	answer = callPrimitive(function, receiver, arguments, argumentTotal);
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
			for (int i = 0; i < 1000; i++) callPrimitive(function, receiver, arguments, argumentTotal);
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
	if (!fgets(line, sizeof line, file) || strcmp(line, "#try-examples 2\n") != 0) {
		fprintf(stderr, "try-plugin: %s is not an examples file of format 2 "
			"(its first line must be #try-examples 2)\n", examples);
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
		if (fieldCount < 3) {
			printf("TRY %s FAILED 'expected primitive TAB receiver TAB answers TAB arguments'\n", fields[0]);
			continue;
		}
		tryExample(plugin, fields, fieldCount, strcmp(bench, "1") == 0);
	}
	fclose(file);
	return 0;
}
