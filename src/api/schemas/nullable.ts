// A value that may also be null (Assemblyline's optional fields are stored as null, not left out).
import { Type, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
