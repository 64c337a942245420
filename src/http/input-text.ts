import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Context } from '../context';
import { BadUserInputError } from '../errors';
import { textProblem, textProblems } from '../input-rules';

/** Where a string that reaches a resolver comes from: the argument it feeds (a dotted path) and the field. */
interface Use {
  argument: string;
  field: string;
}

/** What one operation's text check needs, worked out once per parsed document. */
interface OperationTexts {
  /** The first string literal (a default value of a variable included) the text rule refuses. */
  literal?: { argument: string; source: string; problem: string };
  /** Each variable, with the first argument it feeds. */
  variables: Map<string, Use>;
}

/** Apollo keeps parsed documents (its document store), so each is walked once, not once per request. */
const analysed = new WeakMap<OperationDefinitionNode, OperationTexts>();

/**
 * Walks the fields the operation selects (through its fragments) and their arguments: string
 * literals are checked here, and each variable is noted with the first argument it feeds. Only
 * field arguments reach resolvers: the only directives an operation may use (`@include`, `@skip`)
 * take booleans.
 */
function analyse(document: DocumentNode, operation: OperationDefinitionNode): OperationTexts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const texts: OperationTexts = { variables: new Map() };
  const visitValue = (value: ValueNode, path: (string | number)[], field: string, source = `the text given to \`${field}\``): void => {
    switch (value.kind) {
      case Kind.STRING: {
        const problem = texts.literal ? undefined : textProblem(value.value);
        if (problem) texts.literal = { argument: path.join('.'), source, problem };
        break;
      }
      case Kind.LIST:
        value.values.forEach((item, i) => visitValue(item, [...path, i], field, source));
        break;
      case Kind.OBJECT:
        for (const item of value.fields) visitValue(item.value, [...path, item.name.value], field, source);
        break;
      case Kind.VARIABLE:
        if (!texts.variables.has(value.name.value)) texts.variables.set(value.name.value, { argument: path.join('.'), field });
        break;
      default:
    }
  };
  const visited = new Set<string>();
  const visitSelections = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? []) visitValue(argument.value, [argument.name.value], selection.name.value);
        if (selection.selectionSet) visitSelections(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visitSelections(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visitSelections(fragment.selectionSet);
      }
    }
  };
  visitSelections(operation.selectionSet);
  // A default is used whenever the client leaves its variable out: check it as the literal it is.
  for (const definition of operation.variableDefinitions ?? []) {
    const use = texts.variables.get(definition.variable.name.value);
    if (definition.defaultValue && use) {
      visitValue(definition.defaultValue, [use.argument], use.field, `the default value of $${definition.variable.name.value} (given to \`${use.field}\`)`);
    }
  }
  return texts;
}

function textsOf(document: DocumentNode, operation: OperationDefinitionNode): OperationTexts {
  let texts = analysed.get(operation);
  if (!texts) analysed.set(operation, texts = analyse(document, operation));
  return texts;
}

/** The refusal: BAD_USER_INPUT naming the argument (and the variable the string came in, if any), with its status (400). */
function refusal(argument: string, source: string, problem: string, variable?: string): BadUserInputError {
  return new BadUserInputError(argument, `${source} ${problem}`, undefined, { refusal: true, extensions: variable ? { variable } : {} });
}

/**
 * The Apollo plugin that refuses, once an operation is parsed and valid and before any resolver
 * runs, an operation in which any string that would reach an argument (a literal in the document,
 * or anywhere inside a variable's value, mutations' inputs included) breaks the text rule of
 * src/input-rules.ts: HTTP 400, BAD_USER_INPUT, `extensions.argument` naming the argument it feeds
 * (`filter.search`, `input.tags.2`) and `extensions.variable` the variable it came in. Literals are
 * checked once per parsed document; each request walks only its variables' values.
 */
export function inputTextPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const texts = textsOf(document, operation);
          if (texts.literal) throw refusal(texts.literal.argument, texts.literal.source, texts.literal.problem);
          const values = request.variables;
          if (!values) return;
          for (const [name, use] of texts.variables) {
            const [found] = textProblems(values[name], 1);
            if (found) {
              throw refusal([use.argument, ...found.path].join('.'), `the value of $${name} (given to \`${use.field}\`)`, found.problem, name);
            }
          }
        },
      };
    },
  };
}
