// Pigeon's own lint rules, loaded by oxlint as a JS plugin (.oxlintrc.json → jsPlugins).

// `tx as unknown as Db` compiles whatever tx is: the cast switches the type checker off exactly
// where two types disagree. Give the value a type both sides accept instead (db/client.ts: Queries).
// Every spelling counts: `as never as T`, `<T>(<unknown>x)`, a first cast to `{}` or `object`
// (anything but null fits them) or to a type alias of unknown in the same file, a first cast
// wrapped in parentheses, `!`, `satisfies`, `await` or an assignment, or standing as the value of
// a sequence `(0, x as unknown)`, a branch of `?:`, `&&`, `||`, `??`, or an element of an array
// read back `[x as unknown][0]`. So does a helper `cast<T>(v: unknown): T { return v as T }`:
// a cast from an unknown (any, never) parameter to a bare type parameter of the same function.
// Not seen: an alias imported from another file, and a first cast in another statement.
const WIDE = new Set(["TSUnknownKeyword", "TSAnyKeyword", "TSNeverKeyword", "TSObjectKeyword"]);
const CASTS = new Set(["TSAsExpression", "TSTypeAssertion"]);
const WRAPPERS = new Set([
  "ParenthesizedExpression",
  "TSNonNullExpression",
  "TSSatisfiesExpression",
  "AwaitExpression",
]);
const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** Whether a type lets anything through: unknown, any, never, object, `{}`, or an alias of one here. */
function isWide(type, aliases) {
  if (WIDE.has(type.type)) return true;
  if (type.type === "TSTypeLiteral") return type.members.length === 0;
  return type.type === "TSTypeReference" && type.typeName.type === "Identifier" && aliases.has(type.typeName.name);
}

/** Whether the value of `node` may be a cast to a wide type. */
function holdsWideCast(node, aliases) {
  if (!node) return false;
  if (WRAPPERS.has(node.type)) return holdsWideCast(node.argument ?? node.expression, aliases);
  if (CASTS.has(node.type)) return isWide(node.typeAnnotation, aliases);
  switch (node.type) {
    case "SequenceExpression":
      return holdsWideCast(node.expressions.at(-1), aliases);
    case "ConditionalExpression":
      return holdsWideCast(node.consequent, aliases) || holdsWideCast(node.alternate, aliases);
    case "LogicalExpression":
      return holdsWideCast(node.left, aliases) || holdsWideCast(node.right, aliases);
    case "AssignmentExpression":
      return holdsWideCast(node.right, aliases);
    case "MemberExpression":
      return (
        node.computed &&
        node.object.type === "ArrayExpression" &&
        node.object.elements.some((e) => holdsWideCast(e?.type === "SpreadElement" ? null : e, aliases))
      );
    default:
      return false;
  }
}

/** `return v as T` in `function f<T>(v: unknown): T`: v is a wide parameter, T the function's own. */
function isGenericCast(node, aliases) {
  const target = node.typeAnnotation;
  const value = node.expression;
  if (target.type !== "TSTypeReference" || target.typeName.type !== "Identifier" || target.typeArguments) return false;
  if (value.type !== "Identifier") return false;
  for (let f = node.parent; f; f = f.parent) {
    if (!FUNCTIONS.has(f.type)) continue;
    const param = f.params.find((p) => p.type === "Identifier" && p.name === value.name);
    if (!param) continue; // v belongs to an outer function: look there
    const own = f.typeParameters?.params.some((p) => p.name.name === target.typeName.name);
    return !!own && !!param.typeAnnotation && isWide(param.typeAnnotation.typeAnnotation, aliases);
  }
  return false;
}

/** Names of top-level type aliases of unknown, any, never, object or `{}` in the file. */
function wideAliases(program) {
  const aliases = new Set();
  for (const statement of program.body) {
    const d = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
    if (d?.type === "TSTypeAliasDeclaration" && !d.typeParameters && isWide(d.typeAnnotation, aliases))
      aliases.add(d.id.name);
  }
  return aliases;
}

const noDoubleCast = {
  meta: {
    type: "problem",
    docs: { description: "Disallow `x as unknown as T`, `x as any as T`, `x as never as T` and their `<T>` forms" },
  },
  create(context) {
    let aliases = new Set();
    const check = (node) => {
      if (!holdsWideCast(node.expression, aliases) && !isGenericCast(node, aliases)) return;
      context.report({
        node,
        message: "A double cast (`as unknown as T`) hides a type error: give the value a type both sides accept.",
      });
    };
    return {
      Program: (program) => {
        aliases = wideAliases(program);
      },
      TSAsExpression: check,
      TSTypeAssertion: check,
    };
  },
};

export default { meta: { name: "pigeon" }, rules: { "no-double-cast": noDoubleCast } };
