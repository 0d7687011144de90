// The JSON Schema of FlowIR (after ir/types.ts; layer arguments from ir/layer-args.ts) and its validator.
// `flowc compile` validates every IR it writes; the runtime may validate what it reads.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajv } from '../../grammar/lazy-deps.js';
import { FLOWIR_VERSION } from './types.js';
import { LAYER_ARGS, LAYER_KIND_NAMES } from './layer-args.js';

const intArray = { type: 'array', items: { type: 'integer' } } as const;
const shape = { type: 'array', items: { type: 'integer', minimum: 0 } } as const;
const activation = { enum: ['relu', 'tanh', 'elu', 'gelu', 'leaky_relu'] } as const;
const matrixStack = {
  type: 'array',
  items: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
} as const;
const dataset = {
  type: 'object',
  required: ['source', 'args'],
  additionalProperties: false,
  properties: { source: { type: 'string' }, args: { type: 'object' } },
} as const;

export const FLOWIR_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://flowc.dev/schema/flowir.json',
  title: 'FlowIR',
  type: 'object',
  required: ['version', 'model', 'family', 'data', 'train', 'totals'],
  additionalProperties: false,
  definitions: {
    domain: {
      oneOf: [
        {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { enum: ['real', 'binary'] } },
        },
        {
          type: 'object',
          required: ['kind', 'K'],
          additionalProperties: false,
          properties: { kind: { enum: ['categorical', 'discrete'] }, K: { type: 'integer', minimum: 2 } },
        },
      ],
    },
    var: {
      type: 'object',
      required: ['name', 'domain', 'shape'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, domain: { $ref: '#/definitions/domain' }, shape },
    },
    param: {
      type: 'object',
      required: ['name', 'shape', 'init'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, shape, init: { type: 'string' } },
    },
    net: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'hidden', 'activation', 'zeroInitLast'],
          additionalProperties: false,
          properties: { kind: { const: 'mlp' }, hidden: intArray, activation, zeroInitLast: { type: 'boolean' } },
        },
        {
          type: 'object',
          required: ['kind', 'blocks', 'channels', 'kernel', 'zeroInitLast'],
          additionalProperties: false,
          properties: {
            kind: { const: 'resnet' },
            blocks: { type: 'integer' },
            channels: { type: 'integer' },
            kernel: { type: 'integer' },
            zeroInitLast: { type: 'boolean' },
          },
        },
        {
          type: 'object',
          required: ['kind', 'blocks', 'channels', 'heads', 'dropout', 'zeroInitLast'],
          additionalProperties: false,
          properties: {
            kind: { const: 'flowpp' },
            blocks: { type: 'integer' },
            channels: { type: 'integer' },
            heads: { type: 'integer' },
            dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
            zeroInitLast: { type: 'boolean' },
            weightNorm: { type: 'boolean' },
          },
        },
        {
          type: 'object',
          required: ['kind', 'hidden', 'activation', 'masks', 'zeroInitLast'],
          additionalProperties: false,
          properties: {
            kind: { const: 'made' },
            hidden: intArray,
            activation,
            masks: matrixStack,
            zeroInitLast: { type: 'boolean' },
          },
        },
      ],
    },
    layer: {
      type: 'object',
      required: ['kind', 'id', 'inShape', 'outShape', 'args', 'params', 'jacobian', 'logDet', 'directions'],
      additionalProperties: false,
      properties: {
        kind: { enum: LAYER_KIND_NAMES },
        id: { type: 'string' },
        inShape: shape,
        outShape: shape,
        args: { type: 'object' },
        params: { type: 'array', items: { $ref: '#/definitions/param' } },
        jacobian: { type: 'string' },
        logDet: { type: 'string' },
        directions: {
          type: 'object',
          required: ['density', 'sample'],
          additionalProperties: false,
          properties: {
            density: { enum: ['closed', 'iterative', 'sequential', 'none'] },
            sample: { enum: ['closed', 'iterative', 'sequential', 'none'] },
          },
        },
        at: { type: 'string' },
      },
      // the arguments of each kind, from LAYER_ARGS (ir/layer-args.ts)
      allOf: LAYER_KIND_NAMES.map((k) => ({
        if: { properties: { kind: { const: k } } },
        then: { properties: { args: LAYER_ARGS[k] } },
      })),
    },
    arLayer: {
      type: 'object',
      required: ['mask', 'kernel', 'channels', 'activation', 'residual'],
      additionalProperties: false,
      properties: {
        mask: { enum: ['A', 'B', 'none'] },
        kernel: { type: 'integer', minimum: 1 },
        channels: { type: 'integer', minimum: 1 },
        activation: { type: 'string' },
        residual: { type: 'boolean' },
      },
    },
  },
  properties: {
    version: { const: FLOWIR_VERSION },
    model: { type: 'string' },
    family: { enum: ['flow', 'autoregressive', 'vae', 'energy'] },
    target: {
      type: 'object',
      required: ['kind', 'name'],
      additionalProperties: false,
      properties: { kind: { const: 'energy' }, name: { type: 'string' } },
    },
    data: { $ref: '#/definitions/var' },
    condition: {
      type: 'object',
      required: ['name', 'domain', 'shape', 'size'],
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        domain: { $ref: '#/definitions/domain' },
        shape,
        size: { type: 'integer', minimum: 1 },
      },
    },
    order: intArray,
    channels: { const: 'joint' },
    prior: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'mean', 'std', 'learned'],
          additionalProperties: false,
          properties: {
            kind: { const: 'normal' },
            mean: { type: 'number' },
            std: { type: 'number', exclusiveMinimum: 0 },
            learned: { type: 'boolean' },
          },
        },
        {
          type: 'object',
          required: ['kind', 'loc', 'scale'],
          additionalProperties: false,
          properties: {
            kind: { enum: ['logistic', 'laplace'] },
            loc: { type: 'number' },
            scale: { type: 'number', exclusiveMinimum: 0 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'component', 'k'],
          additionalProperties: false,
          properties: {
            kind: { const: 'mixture' },
            component: { enum: ['normal', 'logistic'] },
            k: { type: 'integer', minimum: 1 },
          },
        },
      ],
    },
    flow: { type: 'array', items: { $ref: '#/definitions/layer' } },
    conditional: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'hidden'],
          additionalProperties: false,
          properties: {
            kind: { const: 'nade' },
            hidden: { type: 'integer', minimum: 1 },
            context: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'hidden', 'activation', 'masks', 'ensemble'],
          additionalProperties: false,
          properties: {
            kind: { const: 'made' },
            hidden: intArray,
            activation: { type: 'string' },
            masks: matrixStack,
            ensemble: { type: 'integer', minimum: 1 },
            members: {
              type: 'array',
              items: {
                type: 'object',
                required: ['order', 'connectivity'],
                additionalProperties: false,
                properties: {
                  order: intArray,
                  connectivity: {
                    oneOf: [
                      { const: 'sequential' },
                      {
                        type: 'object',
                        required: ['random'],
                        additionalProperties: false,
                        properties: { random: { type: 'integer' } },
                      },
                    ],
                  },
                },
              },
            },
            direct: { type: 'boolean' },
            context: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'layers'],
          additionalProperties: false,
          properties: {
            kind: { const: 'pixelcnn' },
            layers: { type: 'array', items: { $ref: '#/definitions/arLayer' } },
            context: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'layers', 'channels', 'kernel'],
          additionalProperties: false,
          properties: {
            kind: { const: 'gated_pixelcnn' },
            layers: { type: 'integer' },
            channels: { type: 'integer' },
            kernel: { type: 'integer' },
            context: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'cell', 'layers', 'hidden'],
          additionalProperties: false,
          properties: {
            kind: { const: 'pixelrnn' },
            cell: { enum: ['row_lstm', 'diagonal_bilstm'] },
            layers: { type: 'integer' },
            hidden: { type: 'integer' },
            context: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'filters', 'resnets', 'scales', 'dropout', 'outputs'],
          additionalProperties: false,
          properties: {
            kind: { const: 'pixelcnnpp' },
            filters: { type: 'integer', minimum: 1 },
            resnets: { type: 'integer', minimum: 1 },
            scales: { type: 'integer', minimum: 1 },
            dropout: { type: 'number', minimum: 0, maximum: 1 },
            outputs: { type: 'integer', minimum: 1 },
            context: { type: 'integer', minimum: 1 },
          },
        },
      ],
    },
    likelihood: {
      oneOf: [
        {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { const: 'bernoulli' } },
        },
        {
          type: 'object',
          required: ['kind', 'K'],
          additionalProperties: false,
          properties: { kind: { const: 'categorical' }, K: { type: 'integer', minimum: 2 } },
        },
        {
          type: 'object',
          required: ['kind', 'k', 'K'],
          additionalProperties: false,
          properties: {
            kind: { const: 'logistic_mixture' },
            k: { type: 'integer', minimum: 1 },
            K: { type: 'integer', minimum: 2 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'learnedStd'],
          additionalProperties: false,
          properties: { kind: { const: 'gaussian' }, learnedStd: { type: 'boolean' } },
        },
      ],
    },
    latent: { $ref: '#/definitions/var' },
    encoder: { $ref: '#/definitions/net' },
    decoder: { $ref: '#/definitions/net' },
    posterior: {
      type: 'object',
      required: ['amortized', 'flow'],
      additionalProperties: false,
      properties: {
        amortized: { type: 'boolean' },
        flow: { type: 'array', items: { $ref: '#/definitions/layer' } },
        context: { type: 'integer', minimum: 1 },
      },
    },
    train: {
      type: 'object',
      required: ['batch', 'optimizer', 'seed'],
      additionalProperties: false,
      properties: {
        data: dataset,
        test: dataset,
        batch: { type: 'integer', minimum: 1 },
        steps: { type: 'integer', minimum: 1 },
        epochs: { type: 'integer', minimum: 1 },
        optimizer: {
          type: 'object',
          required: ['kind', 'lr', 'beta1', 'beta2', 'eps'],
          additionalProperties: false,
          properties: {
            kind: { const: 'adam' },
            lr: { type: 'number', exclusiveMinimum: 0 },
            beta1: { type: 'number' },
            beta2: { type: 'number' },
            eps: { type: 'number' },
          },
        },
        clip: { type: 'number' },
        seed: { type: 'integer' },
        evalEvery: { type: 'integer' },
        checkpointEvery: { type: 'integer' },
      },
    },
    totals: {
      type: 'object',
      required: ['params', 'flops', 'activationBytes'],
      additionalProperties: false,
      properties: {
        params: { type: 'integer', minimum: 0 },
        flops: { type: 'number', minimum: 0 },
        activationBytes: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

/** validate a FlowIR object; returns the error texts (empty when valid) */
export function validateFlowIR(ir: unknown): string[] {
  const v = (validator ??= new (ajv().Ajv)({ allErrors: true, strict: false }).compile(FLOWIR_SCHEMA));
  if (v(ir)) return [];
  return (v.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
