// Generated from the Muster server's OpenAPI document by packages/console/scripts/generate-api.ts.
// Do not edit: run `npm run generate-api -w @muster/console` after changing a route.

export interface paths {
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log, newest first, with filters and pages (needs audit.view; scoped)
         * @description Only entries whose every target machine or group lies in the caller's audit.view scope; entries naming none (server settings, sign-ins) only for callers who see everything.
         */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Walk the hash chain and report the first edited, deleted or inserted entry (needs audit.view) */
        get: operations["verifyAuditChain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/checkin-control": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update check-in control settings of many machines at once
         * @description Give "machines" (ids) or "filter" (Machine.Group ID filter; a group name without "*" means that group and its subgroups) and at least one setting. Unknown ids, or a filter that matches no machine, change nothing and answer an error. Periods outside the group policy are clamped and listed in "clamped".
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Machine.Group ID filter (give this or machines): "*" wildcards, or a machine id, or a group name meaning that group and its subgroups */
                        filter?: string;
                        /** @description machine ids (give this or filter) */
                        machines?: string[];
                        settings: {
                            bandwidthKBps?: number;
                            bindToServer?: boolean;
                            periodSeconds?: number;
                            primary?: {
                                host: string;
                                port: number;
                            };
                            secondary?: {
                                host: string;
                                port: number;
                            } | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/checkin-policy/{group}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The policy in force for a group (its own or inherited)
         * @description An invalid group name answers 400 and an unknown group 404, as for PUT.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    group: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Set a machine group's allowed check-in period range */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    group: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        maxSeconds: number;
                        minSeconds: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List commands, newest first, with filters and pages */
        get: {
            parameters: {
                query?: {
                    /** @description page cursor: the "next" of the previous page */
                    before?: number;
                    filter?: string;
                    from?: string;
                    limit?: number;
                    status?: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
                    target?: string;
                    to?: string;
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /**
         * Queue a command for machines or devices (one per target, in one transaction)
         * @description The same idempotencyKey again returns the first request's commands and queues nothing. Needs commands.run; a shell command also commands.run-shell, and commands to devices also devices.command: targets must be in the scope of each. A put-file also needs files.read, and its file must be in that scope (else it is unknown, 404). A filter matches only machines in scope and "matched" says how many; ids out of scope are unknown (404).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        idempotencyKey?: string;
                        params: {
                            [key: string]: unknown;
                        };
                        priority?: number;
                        targets: {
                            machines: string[];
                        } | {
                            devices: string[];
                        } | {
                            filter: string;
                        };
                        /** @description Seconds the command may wait for delivery; absent: commandDefaultTtlSeconds; null: never expires. */
                        ttlSeconds?: number | null;
                        type: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One command with every transition */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a pending command */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-enrollment-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a device enrollment token for a group and platform */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expiresInSeconds?: number;
                        group: string;
                        platform: "ios" | "android";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-groups/{group}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Default device settings of a group */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    group: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        checkinIntervalMinutes?: number | null;
                        tracking?: boolean | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List devices */
        get: {
            parameters: {
                query?: {
                    /** @description Machine.Group ID filter: "*" wildcards (*.web.acme), or a machine id, or a group name (web.acme: that group and its subgroups) */
                    filter?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One device */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/locations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Location history in a time range */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/request-checkin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Wake the device through its push channel to check in now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a device's check-in interval and tracking (null: inherit from its group) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        checkinIntervalMinutes?: number | null;
                        tracking?: boolean | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/wakes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every wake-up attempt and the check-in that followed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: command status changes and check-ins */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List stored files, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /**
         * Upload a file (raw body, Content-Type application/octet-stream) for put-file
         * @description The file belongs to "group" (in your scope), or without it to the one organization or group your scope includes; only a caller who sees everything may leave it without a group.
         */
        post: {
            parameters: {
                query: {
                    group?: string;
                    name: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show one file */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a file */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/files/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a complete file */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/install-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List install tokens, newest first (never the token itself)
         * @description state is active, revoked, expired or used-up; prefix is the start of the token (null for tokens made before prefixes were kept).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /**
         * Create an install token for a machine group
         * @description The token is shown once. With machineName the account is created now (never checked in) and only one agent may hold it. Without expiresInSeconds the token expires after the server setting installTokenExpirySeconds (7 days by default); expiresInSeconds 0 or null makes a token that never expires.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Lifetime in seconds; 0 or null: never expires; absent: the server default (7 days) */
                        expiresInSeconds?: number | null;
                        /** @description Machine group, e.g. web.acme */
                        group: string;
                        machineName?: string;
                        maxUses?: number;
                        temporary?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/install-tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an install token: no agent enrolls with it any more
         * @description Agents already enrolled with it stay. Revoking again changes nothing.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List local servers with status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Make an agent a local server of an offsite server */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description KB/s, 0 for unlimited */
                        bandwidthKBps?: number;
                        directory: string;
                        machineId: string;
                        offsiteServerId: string;
                        /** @description cron: five fields, or six with seconds */
                        schedule?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-servers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show a local server */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Edit a local server (restarts it) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description KB/s, 0 for unlimited */
                        bandwidthKBps?: number;
                        directory?: string;
                        machineId?: string;
                        offsiteServerId?: string;
                        /** @description cron: five fields, or six with seconds */
                        schedule?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        /** Delete a local server (its agent stops the role) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-servers/{id}/replicate-now": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a transfer now, outside the schedule */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/local-servers/{id}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restart the local server on its agent */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List machines with their check-in status, ordered by id
         * @description With limit, one page: pass the answer's next as after for the following page (null after the last). Without limit, every machine in scope.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the next of the page before */
                    after?: string;
                    /** @description Machine.Group ID filter: "*" wildcards (*.web.acme), or a machine id, or a group name (web.acme: that group and its subgroups) */
                    filter?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show one machine */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a machine account; a connected agent is closed (4016, machine removed)
         * @description Commands of the machine never delivered are canceled; delivered ones without a result end unknown (they may have run). Its replication roles go with it. A machine that is the offsite server of local servers on other machines answers 409 until those are deleted.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A machine's pending and recent procedures with their results (Pending Procedures) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}/remote-control": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Enable or disable remote control */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a suspended machine */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend: the agent stays connected and gets no work */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I: the caller, their permissions and their (role, scope) pairs */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change my password (the current one is needed); my other sessions end */
        put: operations["changeMyPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Sign out everywhere: ends every console session of the caller */
        delete: operations["signOutEverywhere"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start enrolling a TOTP app: a new secret and its otpauth:// URI (for a QR code)
         * @description Nothing is stored until POST /me/totp/confirm proves the app has the secret.
         */
        post: operations["beginTotpEnrollment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Finish enrolling TOTP with the secret and a current code from the app */
        post: operations["confirmTotpEnrollment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notification-settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which warning types are on */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Switch warning types on or off */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List warnings, newest first */
        get: {
            parameters: {
                query?: {
                    type?: "duplicate-account" | "lan-via-gateway" | "local-server-inactive" | "offsite-corruption";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/offsite-servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List offsite servers with status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Make an agent an offsite server */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        directory: string;
                        host: string;
                        machineId: string;
                        /** @description 1024-49151; 5722 suggested */
                        port: number;
                        syntheticFull?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/offsite-servers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show an offsite server */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Edit an offsite server (restarts it) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        directory?: string;
                        host?: string;
                        machineId?: string;
                        /** @description 1024-49151; 5722 suggested */
                        port?: number;
                        syntheticFull?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        /** Delete an offsite server (none of its local servers may remain) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/offsite-servers/{id}/restart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restart the offsite server on its agent */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/offsite-servers/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-hash the stored copies against their manifests now; damage is reported and fetched again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/organizations/{org}/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An organization's webhook (never its secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organization id, e.g. acme */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /**
         * Set an organization's webhook for command status changes
         * @description Each event is POSTed as JSON with x-muster-event, x-muster-delivery, x-muster-timestamp (epoch ms) and x-muster-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>. A generated secret is in this answer only.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organization id, e.g. acme */
                    org: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default true */
                        enabled?: boolean;
                        /** @description HMAC-SHA256 key; omitted: the current one is kept, or one is generated and returned once */
                        secret?: string;
                        /** @description http or https URL receiving the events */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        /** Remove an organization's webhook with its queued and dead deliveries */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organization id, e.g. acme */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List roles */
        get: operations["listRoles"];
        put?: never;
        /** Create a role: a named set of permissions, optionally requiring TOTP */
        post: operations["createRole"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/roles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One role, by id or name */
        get: operations["getRole"];
        /** Change a role (not the built-in master) */
        put: operations["updateRole"];
        post?: never;
        /** Delete a role (not the built-in master) */
        delete: operations["deleteRole"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scopes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List scopes */
        get: operations["listScopes"];
        put?: never;
        /**
         * Create a scope: organizations, groups (with their subgroups) and machines, each included or excluded
         * @description Every entry must name something that exists. Within a scope an exclusion wins.
         */
        post: operations["createScope"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scopes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One scope, by id or name */
        get: operations["getScope"];
        /** Change a scope (not the built-in master) */
        put: operations["updateScope"];
        post?: never;
        /** Delete a scope (not the built-in master) */
        delete: operations["deleteScope"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/server": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server ID and status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/server/change-id": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the server identity (Change ID)
         * @description Agents bound to the old Server ID stop checking in, by design; unbound agents follow the new ID.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in: name, password and (when enrolled) a TOTP code; sets the session cookie
         * @description The cookie is HttpOnly and SameSite=Strict (and Secure over TLS). Failed attempts are limited per user and per address (429 with Retry-After).
         */
        post: operations["signIn"];
        /** Sign out: ends this console session and clears its cookie */
        delete: operations["signOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List my API tokens (or, with users.manage, another user's: ?user=) */
        get: operations["listTokens"];
        put?: never;
        /**
         * Make an API token: named, optionally expiring and limited to some of my permissions
         * @description The token is in the answer once and never again.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token (mine; with users.manage, anyone's) */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users */
        get: operations["listUsers"];
        put?: never;
        /** Create a user, with a password (at least 12 characters) and (role, scope) pairs */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One user (by id or name) with their (role, scope) pairs */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /** Delete a user with their tokens and sessions (never the last active master) */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /** Change a user: display name, email, disabled (a disabled user is signed out everywhere) */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/users/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace a user's (role, scope) pairs */
        put: operations["setUserGrants"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set a user's password (their sessions end) */
        put: operations["setUserPassword"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a user's TOTP second factor (they enroll again) */
        delete: operations["resetUserTotp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries that ran out of attempts, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    org?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/dead-letters/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a dead letter again, with fresh attempts */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAuditEntries: {
        parameters: {
            query?: {
                action?: string;
                /** @description page cursor: the "next" of the previous page */
                before?: number;
                from?: string;
                limit?: number;
                machine?: string;
                to?: string;
                user?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description operationId, or method and route pattern, or session.sign-in */
                            action: string;
                            address: string | null;
                            /** Format: date-time */
                            at: string;
                            credential: {
                                id: string;
                                kind: string;
                            } | null;
                            /** @description settings.before and settings.after for settings changes */
                            details: {
                                [key: string]: unknown;
                            } | null;
                            hash: string;
                            prevHash: string;
                            /** @description "ok" or the error code of the answer */
                            result: string;
                            /** @description Position in the chain; also the page cursor */
                            seq: number;
                            /** @description HTTP status of the answer */
                            status: number | null;
                            /** @description machines, devices, groups, filter, ids: what the request named */
                            targets: {
                                [key: string]: unknown;
                            };
                            user: {
                                id: string | null;
                                name: string;
                            } | null;
                        }[];
                        /** @description cursor for ?before= of the next page */
                        next: number | null;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    verifyAuditChain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        broken?: {
                            kind: "edited" | "deleted" | "inserted";
                            message: string;
                            seq: number;
                        };
                        /** @description entries whose links were checked */
                        checked: number;
                        /** @description keep it elsewhere to notice a rewritten chain later */
                        headHash: string;
                        headSeq: number;
                        ok: boolean;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        credential: {
                            id: string;
                            kind: string;
                        };
                        grants: {
                            role: string;
                            scope: string;
                        }[];
                        permissions: string[];
                        user: {
                            /** Format: date-time */
                            createdAt: string | null;
                            disabled: boolean;
                            displayName: string;
                            email: string | null;
                            hasPassword: boolean;
                            id: string;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            name: string;
                            totpEnrolled: boolean;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    changeMyPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    signOutEverywhere: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ended: number;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    beginTotpEnrollment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secret: string;
                        uri: string;
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    confirmTotpEnrollment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                    secret: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listRoles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            builtIn: boolean;
                            /** Format: date-time */
                            createdAt: string | null;
                            id: string;
                            name: string;
                            permissions: string[];
                            requireTotp: boolean;
                        }[];
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createRole: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                    permissions: string[];
                    requireTotp?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        id: string;
                        name: string;
                        permissions: string[];
                        requireTotp: boolean;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        id: string;
                        name: string;
                        permissions: string[];
                        requireTotp: boolean;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    updateRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                    permissions: string[];
                    requireTotp?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        id: string;
                        name: string;
                        permissions: string[];
                        requireTotp: boolean;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listScopes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            builtIn: boolean;
                            /** Format: date-time */
                            createdAt: string | null;
                            entries: {
                                id: string;
                                include: boolean;
                                kind: "organization" | "group" | "machine";
                            }[];
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createScope: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: {
                        id: string;
                        include: boolean;
                        kind: "organization" | "group" | "machine";
                    }[];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        entries: {
                            id: string;
                            include: boolean;
                            kind: "organization" | "group" | "machine";
                        }[];
                        id: string;
                        name: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getScope: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        entries: {
                            id: string;
                            include: boolean;
                            kind: "organization" | "group" | "machine";
                        }[];
                        id: string;
                        name: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    updateScope: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entries: {
                        id: string;
                        include: boolean;
                        kind: "organization" | "group" | "machine";
                    }[];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        builtIn: boolean;
                        /** Format: date-time */
                        createdAt: string | null;
                        entries: {
                            id: string;
                            include: boolean;
                            kind: "organization" | "group" | "machine";
                        }[];
                        id: string;
                        name: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteScope: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    password: string;
                    totpCode?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description send it in the x-csrf-token header of every request that changes state */
                        csrfToken: string;
                        /**
                         * Format: date-time
                         * @description the session ends then at the latest
                         */
                        expiresAt: string;
                        user: {
                            /** Format: date-time */
                            createdAt: string | null;
                            disabled: boolean;
                            displayName: string;
                            email: string | null;
                            hasPassword: boolean;
                            id: string;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            name: string;
                            totpEnrolled: boolean;
                        };
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: {
                user?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string | null;
                            /** Format: date-time */
                            expiresAt: string | null;
                            id: string;
                            /** Format: date-time */
                            lastUsedAt: string | null;
                            name: string;
                            permissions: string[] | null;
                            prefix: string | null;
                            /** Format: date-time */
                            revokedAt: string | null;
                            userId: string;
                        }[];
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    expiresInSeconds?: number | null;
                    name: string;
                    permissions?: string[] | null;
                    /** @description another user (needs users.manage) */
                    user?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        record: {
                            /** Format: date-time */
                            createdAt: string | null;
                            /** Format: date-time */
                            expiresAt: string | null;
                            id: string;
                            /** Format: date-time */
                            lastUsedAt: string | null;
                            name: string;
                            permissions: string[] | null;
                            prefix: string | null;
                            /** Format: date-time */
                            revokedAt: string | null;
                            userId: string;
                        };
                        token: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string | null;
                        /** Format: date-time */
                        expiresAt: string | null;
                        id: string;
                        /** Format: date-time */
                        lastUsedAt: string | null;
                        name: string;
                        permissions: string[] | null;
                        prefix: string | null;
                        /** Format: date-time */
                        revokedAt: string | null;
                        userId: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string | null;
                            disabled: boolean;
                            displayName: string;
                            email: string | null;
                            hasPassword: boolean;
                            id: string;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            name: string;
                            totpEnrolled: boolean;
                        }[];
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName?: string;
                    email?: string | null;
                    grants?: {
                        role: string;
                        scope: string;
                    }[];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                    password?: string | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        grants: {
                            role: string;
                            scope: string;
                        }[];
                        user: {
                            /** Format: date-time */
                            createdAt: string | null;
                            disabled: boolean;
                            displayName: string;
                            email: string | null;
                            hasPassword: boolean;
                            id: string;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            name: string;
                            totpEnrolled: boolean;
                        };
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        grants: {
                            role: string;
                            scope: string;
                        }[];
                        user: {
                            /** Format: date-time */
                            createdAt: string | null;
                            disabled: boolean;
                            displayName: string;
                            email: string | null;
                            hasPassword: boolean;
                            id: string;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            name: string;
                            totpEnrolled: boolean;
                        };
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    disabled?: boolean;
                    displayName?: string;
                    email?: string | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string | null;
                        disabled: boolean;
                        displayName: string;
                        email: string | null;
                        hasPassword: boolean;
                        id: string;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        name: string;
                        totpEnrolled: boolean;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    setUserGrants: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    grants: {
                        role: string;
                        scope: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        grants: {
                            role: string;
                            scope: string;
                        }[];
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    setUserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
    resetUserTotp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: {
                            /** @description invalid-input, unauthorized, forbidden, not-found, conflict, … */
                            code: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            message: string;
                        };
                    };
                };
            };
        };
    };
}
