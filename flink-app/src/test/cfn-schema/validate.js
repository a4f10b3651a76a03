// Checks a CloudFormation (or SAM) template against CloudFormation's own resource schemas, as
// @aws-cdk/aws-service-spec compiles them from the CloudFormation registry: resource types,
// property names, required properties, property types and allowed values (recursively into
// nested property types), resource attributes, GetAtt attributes and Ref/GetAtt/Sub targets.
//
// Usage: node validate.js TEMPLATE   -> prints {"errors": [...], "checked": {...}} and exits 0.
'use strict';

const fs = require('fs');
const yaml = require('js-yaml');
const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec');

// CloudFormation's short forms (!Ref, !GetAtt a.b, !Sub ...) read as their long forms.
const INTRINSICS = ['Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue',
  'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'];
const tags = [];
for (const name of INTRINSICS) {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  for (const kind of ['scalar', 'sequence', 'mapping']) {
    tags.push(new yaml.Type(`!${name}`, {
      kind,
      construct: (data) => ({ [key]: name === 'GetAtt' && typeof data === 'string' ? data.split(/\.(.*)/s).slice(0, 2) : data }),
    }));
  }
}
const SCHEMA = yaml.DEFAULT_SCHEMA.extend(tags);

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const RESOURCE_ATTRIBUTES = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy',
  'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings',
  'Conditions', 'Transform', 'Resources', 'Outputs', 'Globals']);
const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::(Name|Value<.+>))$/;

function validate(path) {
  const db = loadAwsServiceSpecSync();
  const template = yaml.load(fs.readFileSync(path, 'utf8'), { schema: SCHEMA });
  const errors = [];
  const checked = { resources: 0, properties: 0 };
  const resources = template.Resources || {};
  const parameters = template.Parameters || {};

  for (const key of Object.keys(template)) {
    if (!TOP_LEVEL.has(key)) errors.push(`template: unknown section ${key}`);
  }
  for (const [name, p] of Object.entries(parameters)) {
    if (!PARAMETER_TYPES.test(String(p.Type))) errors.push(`Parameters.${name}: unknown parameter type ${p.Type}`);
  }

  const specOf = {};
  for (const [id, resource] of Object.entries(resources)) {
    const found = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (found.length !== 1) {
      errors.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    specOf[id] = found[0];
  }

  const isIntrinsic = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1
    && (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::') || Object.keys(v)[0] === 'Condition');

  function checkGetAtt(where, target, attribute) {
    if (!(target in resources)) {
      errors.push(`${where}: GetAtt names no resource: ${target}`);
    } else if (specOf[target] && !(attribute in specOf[target].attributes)) {
      errors.push(`${where}: ${resources[target].Type} has no attribute ${attribute} (has ${Object.keys(specOf[target].attributes).join(', ')})`);
    }
  }

  function checkRef(where, name) {
    if (!PSEUDO.has(name) && !(name in parameters) && !(name in resources)) errors.push(`${where}: Ref names nothing: ${name}`);
  }

  // Checks the references inside any value, intrinsic or not.
  function checkReferences(where, value) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => checkReferences(`${where}[${i}]`, v));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') checkRef(where, v);
      if (k === 'Fn::GetAtt') {
        const [target, attribute] = Array.isArray(v) ? v : String(v).split(/\.(.*)/s);
        checkGetAtt(where, target, attribute);
      }
      if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        const locals = Array.isArray(v) ? Object.keys(v[1] || {}) : [];
        for (const m of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const [name, attribute] = m[1].split(/\.(.*)/s);
          if (locals.includes(m[1])) continue;
          if (attribute !== undefined && !name.startsWith('AWS::')) checkGetAtt(where, name, attribute);
          else checkRef(where, m[1]);
        }
      }
      checkReferences(where, v);
    }
  }

  // Checks a value against a property type of the schema.
  function checkType(where, type, value, out) {
    if (isIntrinsic(value)) {
      const [fn, args] = Object.entries(value)[0];
      if (fn === 'Fn::If' && Array.isArray(args)) {
        for (const branch of args.slice(1)) {
          if (!(isIntrinsic(branch) && branch.Ref === 'AWS::NoValue')) checkType(where, type, branch, out);
        }
      }
      return; // the value is computed at deploy time
    }
    switch (type.type) {
      case 'string':
        if (typeof value === 'object' && value !== null) out.push(`${where}: expected a string, got ${JSON.stringify(value).slice(0, 80)}`);
        else if (type.allowedValues && !type.allowedValues.includes(String(value))) {
          out.push(`${where}: '${value}' is not one of ${type.allowedValues.join(', ')}`);
        }
        return;
      case 'integer':
      case 'number':
        if (!(typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))) {
          out.push(`${where}: expected a ${type.type}, got ${JSON.stringify(value)}`);
        } else if (type.type === 'integer' && !Number.isInteger(Number(value))) {
          out.push(`${where}: expected an integer, got ${value}`);
        } else if (type.allowedValues && !type.allowedValues.includes(Number(value))) {
          out.push(`${where}: ${value} is not one of ${type.allowedValues.join(', ')}`);
        }
        return;
      case 'boolean':
        if (!(typeof value === 'boolean' || value === 'true' || value === 'false')) out.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
        return;
      case 'date-time':
        if (typeof value !== 'string') out.push(`${where}: expected a date-time string`);
        return;
      case 'json':
      case 'null':
        return;
      case 'tag':
        if (typeof value !== 'object' || value === null || !('Key' in value) || !('Value' in value)) out.push(`${where}: expected a tag {Key, Value}`);
        return;
      case 'array':
        if (!Array.isArray(value)) {
          out.push(`${where}: expected a list`);
          return;
        }
        value.forEach((v, i) => checkType(`${where}[${i}]`, type.element, v, out));
        return;
      case 'map':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          out.push(`${where}: expected a map`);
          return;
        }
        for (const [k, v] of Object.entries(value)) checkType(`${where}.${k}`, type.element, v, out);
        return;
      case 'union': {
        const attempts = type.types.map((t) => {
          const o = [];
          checkType(where, t, value, o);
          return o;
        });
        if (!attempts.some((o) => o.length === 0)) out.push(...attempts.sort((a, b) => a.length - b.length)[0]);
        return;
      }
      case 'ref': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          out.push(`${where}: expected an object`);
          return;
        }
        const definition = db.get('typeDefinition', type.reference);
        checkProperties(where, definition.properties, value, out);
        return;
      }
      default:
        out.push(`${where}: unhandled schema type ${type.type}`);
    }
  }

  function checkProperties(where, schema, values, out) {
    for (const [name, property] of Object.entries(schema)) {
      if (property.required && !(name in values)) out.push(`${where}: required property ${name} is missing`);
    }
    for (const [name, value] of Object.entries(values)) {
      const property = schema[name];
      checked.properties++;
      if (!property) {
        out.push(`${where}: unknown property ${name} (known: ${Object.keys(schema).sort().join(', ')})`);
        continue;
      }
      const variants = [property.type, ...(property.previousTypes || [])];
      const attempts = variants.map((t) => {
        const o = [];
        checkType(`${where}.${name}`, t, value, o);
        return o;
      });
      if (!attempts.some((o) => o.length === 0)) out.push(...attempts[0]);
    }
  }

  for (const [id, resource] of Object.entries(resources)) {
    checked.resources++;
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(key)) errors.push(`${id}: unknown resource attribute ${key}`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      if (policy in resource && !DELETION_POLICIES.has(resource[policy])) errors.push(`${id}: ${policy} '${resource[policy]}' is not valid`);
    }
    if (resource.Condition && !(resource.Condition in (template.Conditions || {}))) errors.push(`${id}: unknown condition ${resource.Condition}`);
    for (const dep of [].concat(resource.DependsOn || [])) {
      if (!(dep in resources)) errors.push(`${id}: DependsOn names no resource: ${dep}`);
    }
    checkReferences(id, resource.Properties || {});
    if (specOf[id]) checkProperties(`${id}.Properties`, specOf[id].properties, resource.Properties || {}, errors);
  }
  checkReferences('Conditions', template.Conditions || {});
  checkReferences('Outputs', template.Outputs || {});
  return { errors, checked };
}

const result = validate(process.argv[2]);
process.stdout.write(JSON.stringify(result, null, 1) + '\n');
