import {
  type RouteDefinition,
  type Serializer,
  type SerializerFactory,
  SerializerSelector,
} from '@fastify/fast-json-stringify-compiler';

/** A serializer factory for Fastify that builds each route's serializer on first use. */
export interface LazySerializers {
  /** For `Fastify({ schemaController: { compilersFactory: { buildSerializer } } })`. */
  buildSerializer: SerializerFactory;
  /**
   * Builds every serializer not built yet and says how many that was, so a test can prove that
   * all response schemas compile.
   */
  buildAll(): number;
}

/**
 * Fastify builds a fast-json-stringify serializer for every status of every route while it
 * starts, checking each schema against the JSON Schema meta-schema and resolving the shared
 * components anew each time: about 2.3 s of a server start's CPU here (profiled), for some 150
 * routes of which a session uses a few. Building each serializer when its route first answers
 * costs a few milliseconds then, once, and makes starts (tests, restarts after an upgrade, a
 * restart storm) seconds shorter. The serializers themselves are the same ones Fastify builds.
 */
export function lazySerializers(): LazySerializers {
  const pending = new Set<() => Serializer>();
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options);
    return (route: RouteDefinition) => {
      let built: Serializer | undefined;
      const build = (): Serializer => {
        if (!built) {
          built = compile(route);
          pending.delete(build);
        }
        return built;
      };
      pending.add(build);
      return (doc: unknown) => build()(doc);
    };
  };
  return {
    buildSerializer,
    buildAll: () => {
      const builds = [...pending];
      for (const build of builds) build();
      return builds.length;
    },
  };
}
