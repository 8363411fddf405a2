// Generated from the Muster server's OpenAPI document by packages/console/scripts/generate-api.ts.
// Do not edit: run `npm run generate-api -w @muster/console` after changing a route.

export interface paths {
    "/api/v1/alert-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List alert rules, by name */
        get: operations["listAlertRules"];
        put?: never;
        /**
         * Create an alert rule for a machine group
         * @description An unknown group (or one out of the caller scope) answers 404; a bad condition, negative minutes or a bad address 400. Nothing is stored then.
         */
        post: operations["createAlertRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alert-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert rule */
        get: operations["getAlertRule"];
        /** Replace an alert rule's settings */
        put: operations["updateAlertRule"];
        post?: never;
        /** Delete an alert rule; its firing alerts are resolved without messages */
        delete: operations["deleteAlertRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List alerts, newest first, with their state */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
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
        put: operations["updateCheckinControl"];
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
        get: operations["getCheckinPolicy"];
        /** Set a machine group's allowed check-in period range */
        put: operations["setCheckinPolicy"];
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
        /**
         * List commands with filters, search, sort and pages (newest first by default)
         * @description sort is created (default, newest first), status, type or target; ties are ordered by creation. With limit (default 100), pass the answer's next as after for the following page; total counts every command that matches. before (the next of the page before) still pages the newest-first order.
         */
        get: operations["listCommands"];
        put?: never;
        /**
         * Queue a command for machines or devices (one per target, in one transaction)
         * @description The same idempotencyKey again returns the first request's commands and queues nothing (200). Needs commands.run; a shell command also commands.run-shell, and commands to devices also devices.command: targets must be in the scope of each. A put-file also needs files.read, and its file must be in that scope (else it is unknown, 404). A filter matches only machines in scope and "matched" says how many; ids out of scope are unknown (404).
         */
        post: operations["createCommand"];
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
        get: operations["getCommand"];
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
        /**
         * Cancel a pending command
         * @description A command that is not pending (any more) answers 409.
         */
        post: operations["cancelCommand"];
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
        /**
         * Create a device enrollment token for a group and platform
         * @description The token is shown once. A group outside the caller's scope is unknown (404).
         */
        post: operations["createDeviceEnrollmentToken"];
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
        put: operations["setDeviceGroupSettings"];
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
        /**
         * List devices: filtered, searched, sorted and paged on the server
         * @description With limit, one page: pass the answer's next as after for the following page (null after the last); without, every device that matches. sort is id (default), group, platform, lastCheckin (never checked in first) or enrolled; ties are ordered by id. total counts every device that matches.
         */
        get: operations["listDevices"];
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
        get: operations["getDevice"];
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
        get: operations["listDeviceLocations"];
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
        /**
         * Wake the device through its push channel to check in now
         * @description Answers 202 with the queued wake-up; a device without a push channel answers 400.
         */
        post: operations["requestDeviceCheckin"];
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
        put: operations["setDeviceSettings"];
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
        /** Every wake-up attempt and the check-in that followed (the newest 200) */
        get: operations["listDeviceWakes"];
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
        /**
         * Server-sent events: commands, machines, replication progress and check-ins in scope
         * @description A text/event-stream that stays open: each event is an `event: <type>` line naming its type (command, machine, replication, checkin) and a `data:` line with the StreamEvent as JSON, then an empty line. Lines starting with ":" are comments (": connected" once the subscription is in place, a keepalive every 15 s). Only events of machines and devices in the caller's scope are sent; the scope is taken when the stream opens. A browser opens it with EventSource and the session cookie (a GET needs no CSRF header). Events missed while disconnected are not replayed: after reconnecting, reload what is shown.
         */
        get: operations["streamEvents"];
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
        get: operations["listFiles"];
        put?: never;
        /**
         * Upload a file (raw body, Content-Type application/octet-stream) for put-file
         * @description The file belongs to "group" (in your scope), or without it to the one organization or group your scope includes; only a caller who sees everything may leave it without a group.
         */
        post: operations["uploadFile"];
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
        get: operations["getFile"];
        put?: never;
        post?: never;
        /** Delete a file */
        delete: operations["deleteFile"];
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
        /**
         * Download a complete file
         * @description The raw content, with content-length, a content-disposition naming the file and x-content-sha256 (hex). A file still being received answers 409 invalid-state.
         */
        get: operations["downloadFile"];
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
        get: operations["listInstallTokens"];
        put?: never;
        /**
         * Create an install token for a machine group
         * @description The token is shown once. With machineName the account is created now (never checked in) and only one agent may hold it. Without expiresInSeconds the token expires after the server setting installTokenExpirySeconds (7 days by default); expiresInSeconds 0 or null makes a token that never expires.
         */
        post: operations["createInstallToken"];
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
        delete: operations["revokeInstallToken"];
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
        get: operations["listLocalServers"];
        put?: never;
        /** Make an agent a local server of an offsite server */
        post: operations["createLocalServer"];
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
        get: operations["getLocalServer"];
        /** Edit a local server (restarts it) */
        put: operations["updateLocalServer"];
        post?: never;
        /** Delete a local server (its agent stops the role) */
        delete: operations["deleteLocalServer"];
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
        post: operations["replicateLocalServerNow"];
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
        post: operations["restartLocalServer"];
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
         * List machines with their check-in status: filtered, searched, sorted and paged on the server
         * @description With limit, one page: pass the answer's next as after for the following page (null after the last). Without limit, every machine that matches. total counts every machine that matches (scope, filter, search, status), for "1-50 of 100,000". sort is id (default), group, status (check-in status in the order of the status enum), lastCheckin, loggedOnUser, agentVersion or os; machines without a value come first in ascending order; ties are ordered by id. search finds text in the machine id or the logged-on user, case-insensitively.
         */
        get: operations["listMachines"];
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
        get: operations["getMachine"];
        put?: never;
        post?: never;
        /**
         * Delete a machine account; a connected agent is closed (4016, machine removed)
         * @description Commands of the machine never delivered are canceled; delivered ones without a result end unknown (they may have run). Its replication roles go with it. A machine that is the offsite server of local servers on other machines answers 409 until those are deleted.
         */
        delete: operations["deleteMachine"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/{id}/checkin-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A machine's check-in history: its agent's connections, newest first, paged
         * @description Each connection with when it began and ended, where from, the server node that held it, how it ended and its check-ins. The server keeps the newest checkinHistoryKeep connections per machine. Pass the answer's next as after for the following page (null after the last).
         */
        get: operations["listMachineCheckinHistory"];
        put?: never;
        post?: never;
        delete?: never;
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
        /**
         * A machine's pending and recent procedures with their results (Pending Procedures)
         * @description Sorted, searched and paged as GET /commands (limit default 200); total counts every command of the machine that matches.
         */
        get: operations["listMachineCommands"];
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
        put: operations["setMachineRemoteControl"];
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
        post: operations["resumeMachine"];
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
        post: operations["suspendMachine"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maintenance-windows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Maintenance windows that have not ended, by start */
        get: operations["listMaintenanceWindows"];
        put?: never;
        /**
         * Suppress alerts of a machine or group for a while
         * @description While a window is in force no alert of its machines fires; a condition that still holds when it ends fires then. A window ending before it starts, or already ended, answers 400; an unknown machine or group 404.
         */
        post: operations["createMaintenanceWindow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maintenance-windows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete (end) a maintenance window */
        delete: operations["deleteMaintenanceWindow"];
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
        get: operations["getNotificationSettings"];
        /**
         * Switch warning types on or off
         * @description Give the types to change; the answer has every type. An unknown type changes nothing (400).
         */
        put: operations["setNotificationSettings"];
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
        get: operations["listNotifications"];
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
        get: operations["listOffsiteServers"];
        put?: never;
        /** Make an agent an offsite server */
        post: operations["createOffsiteServer"];
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
        get: operations["getOffsiteServer"];
        /** Edit an offsite server (restarts it) */
        put: operations["updateOffsiteServer"];
        post?: never;
        /** Delete an offsite server (none of its local servers may remain) */
        delete: operations["deleteOffsiteServer"];
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
        post: operations["restartOffsiteServer"];
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
        post: operations["verifyOffsiteServer"];
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
        get: operations["getOrganizationWebhook"];
        /**
         * Set an organization's webhook for command status changes
         * @description Each event is POSTed as JSON with x-muster-event, x-muster-delivery, x-muster-timestamp (epoch ms) and x-muster-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>. A generated secret is in this answer only.
         */
        put: operations["setOrganizationWebhook"];
        post?: never;
        /** Remove an organization's webhook with its queued and dead deliveries */
        delete: operations["deleteOrganizationWebhook"];
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
        get: operations["getServer"];
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
        post: operations["changeServerId"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/server/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server nodes on this store, newest heartbeat first */
        get: operations["listServerNodes"];
        put?: never;
        post?: never;
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
    "/api/v1/terminal-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List terminal sessions, live and recorded, newest first */
        get: operations["listTerminalSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/terminal-sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End a live terminal session, wherever it runs */
        delete: operations["endTerminalSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/terminal-sessions/{id}/recording": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A session's recording (asciicast v2) */
        get: operations["getTerminalRecording"];
        put?: never;
        post?: never;
        delete?: never;
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
        get: operations["listWebhookDeadLetters"];
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
        post: operations["retryWebhookDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is alive */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the store is reachable and the listeners are up
         * @description Answers 503 store-unavailable or not-ready, with each check in error.details.checks, when this node should get no traffic.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Alert: {
            /**
             * @description offline: a machine offline longer than `minutes`; never-checked-in: enrolled more than `minutes` ago and never checked in; warning: a warning (duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption) about a machine; command-failed: a command failed on a machine
             * @enum {string}
             */
            condition: "offline" | "never-checked-in" | "warning" | "command-failed";
            /** Format: date-time */
            firedAt: string;
            id: string;
            machineId: string;
            message: string;
            /** Format: date-time */
            resolvedAt: string | null;
            /** @description the rule name when the alert fired */
            rule: string;
            ruleId: string;
            /** @enum {string} */
            state: "firing" | "resolved";
        };
        AlertRule: {
            /**
             * @description offline: a machine offline longer than `minutes`; never-checked-in: enrolled more than `minutes` ago and never checked in; warning: a warning (duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption) about a machine; command-failed: a command failed on a machine
             * @enum {string}
             */
            condition: "offline" | "never-checked-in" | "warning" | "command-failed";
            /** Format: date-time */
            createdAt: string;
            emails: string[];
            enabled: boolean;
            group: string;
            id: string;
            minutes: number | null;
            name: string;
            /** Format: date-time */
            updatedAt: string;
            webhook: boolean;
        };
        AlertRuleBody: {
            /**
             * @description offline: a machine offline longer than `minutes`; never-checked-in: enrolled more than `minutes` ago and never checked in; warning: a warning (duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption) about a machine; command-failed: a command failed on a machine
             * @enum {string}
             */
            condition: "offline" | "never-checked-in" | "warning" | "command-failed";
            emails?: string[];
            /** @default true */
            enabled: boolean;
            /** @description Machine group (office.acme) or organization (acme): the rule covers it and its subgroups */
            group: string;
            /** @description offline and never-checked-in only: how many minutes, a whole number from 0 to 10080 (0: at the next evaluation) */
            minutes?: number | null;
            name: string;
            /** @description also send alert.fired / alert.resolved to the organization's webhook */
            webhook?: boolean;
        };
        ApiToken: {
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
        AuditEntry: {
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
        };
        AuditVerification: {
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
        CheckinControlSettings: {
            /** @description agent bandwidth limit in KB/s; 0: none */
            bandwidthKBps: number;
            /** @description the agent accepts only this Server ID */
            bindToServer: boolean;
            /** @description seconds between quick check-ins */
            periodSeconds: number;
            /** @description null while the account waits for its first agent (that agent's own server becomes it) */
            primary: components["schemas"]["ServerAddress"] | (never | null);
            secondary: components["schemas"]["ServerAddress"] | (never | null);
        };
        CheckinControlUpdateResult: {
            clamped: components["schemas"]["ClampedPeriod"][];
            /** @description machines whose settings were stored and sent */
            updated: number;
        };
        CheckinEvent: {
            /** Format: date-time */
            at: string;
            machineId: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "checkin";
        };
        CheckinPolicy: {
            group: string;
            maxSeconds: number;
            minSeconds: number;
        };
        CheckinPolicyChange: {
            clamped: components["schemas"]["ClampedPeriod"][];
            group: string;
            maxSeconds: number;
            minSeconds: number;
        };
        ClampedPeriod: {
            /** @description seconds in force: the nearest the group's policy allows */
            applied: number;
            machineId: string;
            /** @description seconds asked for */
            requested: number;
        };
        Command: {
            attempts: number;
            /** Format: date-time */
            createdAt: string | null;
            /** @description the user who queued it; null for the server itself and older commands */
            createdBy: string | null;
            /**
             * Format: date-time
             * @description when it expires if not delivered; null: never
             */
            expiresAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            group: string;
            id: string;
            maxAttempts: number;
            params: {
                [key: string]: unknown;
            };
            priority: number;
            /** @description null until it has one */
            result: components["schemas"]["CommandResult"] | (never | null);
            /** @enum {string} */
            status: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
            /** @description the machine or device id */
            target: string;
            /** @enum {string} */
            targetKind: "machine" | "device";
            /** @description the procedure: shell, audit, put-file, ... or a device command */
            type: string;
            /** Format: date-time */
            updatedAt: string | null;
        };
        CommandDetail: {
            attempts: number;
            /** Format: date-time */
            createdAt: string | null;
            /** @description the user who queued it; null for the server itself and older commands */
            createdBy: string | null;
            /**
             * Format: date-time
             * @description when it expires if not delivered; null: never
             */
            expiresAt: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            group: string;
            id: string;
            maxAttempts: number;
            params: {
                [key: string]: unknown;
            };
            priority: number;
            /** @description null until it has one */
            result: components["schemas"]["CommandResult"] | (never | null);
            /** @enum {string} */
            status: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
            /** @description the machine or device id */
            target: string;
            /** @enum {string} */
            targetKind: "machine" | "device";
            transitions: components["schemas"]["CommandTransition"][];
            /** @description the procedure: shell, audit, put-file, ... or a device command */
            type: string;
            /** Format: date-time */
            updatedAt: string | null;
        };
        CommandEvent: {
            /** Format: date-time */
            at: string;
            commandType: string;
            id: string;
            orgId: string;
            /** @description the status the command changed to */
            status: string;
            /** @description the machine or device id the command is for */
            target: string;
            /** @description machine or device */
            targetKind: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "command";
        };
        CommandPage: {
            items: components["schemas"]["Command"][];
            /** @description pass as `after` for the next page; null after the last page (and without a limit) */
            next: string | null;
            /** @description how many items the list holds with its filters and search (all pages) */
            total: number;
        };
        CommandResult: {
            error: string | null;
            exitCode: number | null;
            output: string | null;
        };
        CommandStatusWebhookEvent: {
            command: {
                id: string;
                /** @enum {string} */
                status: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
                /** @description the machine or device id */
                target: string;
                /** @enum {string} */
                targetKind: "machine" | "device";
                /** @description the command type, e.g. shell */
                type: string;
            };
            /** @description the delivery id (also x-muster-delivery); receivers deduplicate on it */
            id: string;
            /** Format: date-time */
            occurredAt: string;
            /** @enum {string} */
            type: "command.status";
        };
        CommandTransition: {
            /** Format: date-time */
            at: string | null;
            detail: string | null;
            /** @enum {string} */
            status: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
        };
        ConfiguredWebhook: {
            enabled: boolean;
            org: string;
            /** @description only when the server generated it: shown this once and never again */
            secret?: string;
            url: string;
        };
        CreatedApiToken: {
            record: components["schemas"]["ApiToken"];
            /** @description shown once */
            token: string;
        };
        CreatedDeviceEnrollmentToken: {
            /**
             * Format: date-time
             * @description null: never expires
             */
            expiresAt: string | null;
            group: string;
            /** @enum {string} */
            platform: "ios" | "android";
            /** @description shown once: a device enrolls with it */
            token: string;
        };
        CreatedInstallToken: {
            /**
             * Format: date-time
             * @description null: never expires
             */
            expiresAt: string | null;
            group: string;
            id: string;
            /** @description the account made now for a fixed machine name */
            machineId: string | null;
            maxUses: number | null;
            /** @description shown once: agents enroll with it */
            token: string;
        };
        Device: {
            batteryPercent: number | null;
            /** @description in force: its own, else its nearest group, else the default */
            checkinIntervalMinutes: number;
            /** Format: date-time */
            enrolledAt: string | null;
            group: string;
            guid: string;
            /** @description name.group.organization, as a machine id */
            id: string;
            /** Format: date-time */
            lastCheckinAt: string | null;
            model: string | null;
            name: string;
            /** Format: date-time */
            nextCheckinExpectedAt: string | null;
            osVersion: string | null;
            /** @description its expected check-in is past, beyond the margin */
            overdue: boolean;
            /** @description the device's own settings; null inherits from its group */
            ownSettings: {
                checkinIntervalMinutes: number | null;
                tracking: boolean | null;
            };
            /** @enum {string} */
            platform: "ios" | "android";
            pushChannel: {
                /**
                 * @description how it is woken
                 * @enum {string}
                 */
                kind: "apns" | "sms" | "webhook";
            } | null;
            /** @description in force: its own, else its nearest group, else on */
            tracking: boolean;
        };
        DeviceGroupSettings: {
            checkinIntervalMinutes: number | null;
            group: string;
            tracking: boolean | null;
        };
        DeviceLocation: {
            accuracyMeters: number | null;
            /** Format: date-time */
            at: string | null;
            lat: number;
            lon: number;
        };
        DevicePage: {
            items: components["schemas"]["Device"][];
            /** @description pass as `after` for the next page; null after the last page (and without a limit) */
            next: string | null;
            /** @description how many items the list holds with its filters and search (all pages) */
            total: number;
        };
        DeviceWake: {
            attempts: number;
            channel: string;
            /**
             * Format: date-time
             * @description the check-in that answered it
             */
            checkinAt: string | null;
            id: string;
            reason: string | null;
            /** Format: date-time */
            requestedAt: string | null;
            /** Format: date-time */
            sentAt: string | null;
            /** @enum {string} */
            status: "queued" | "sent" | "failed";
        };
        ErrorResponse: {
            error: {
                /** @description invalid-input, unauthorized, forbidden, not-found, conflict, invalid-state, too-many-requests, store-unavailable, … */
                code: string;
                details?: {
                    [key: string]: unknown;
                };
                /** @description what went wrong, fit to show an administrator */
                message: string;
            };
        };
        Grant: {
            role: string;
            scope: string;
        };
        Health: {
            /**
             * @description the process is alive and answering
             * @enum {string}
             */
            status: "ok";
        };
        InstallToken: {
            /** Format: date-time */
            createdAt: string | null;
            /** Format: date-time */
            expiresAt: string | null;
            group: string;
            id: string;
            machineName: string | null;
            maxUses: number | null;
            /** @description the start of the token; null for tokens made before prefixes were kept */
            prefix: string | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** @enum {string} */
            state: "active" | "revoked" | "expired" | "used-up";
            temporary: boolean;
            uses: number;
        };
        LocalServer: {
            /** @description KB/s, 0 for unlimited */
            bandwidthKBps: number;
            bytesRemaining: number | null;
            /** Format: date-time */
            createdAt: string | null;
            directory: string;
            error: string | null;
            etaSeconds: number | null;
            id: string;
            /** Format: date-time */
            inactiveSince: string | null;
            /** Format: date-time */
            lastContactAt: string | null;
            lastPass: components["schemas"]["ReplicationPass"] | (never | null);
            /** Format: date-time */
            lastTransferAt: string | null;
            machineId: string;
            /** Format: date-time */
            nextRunAt: string | null;
            offsiteServerId: string;
            rateBytesPerSecond: number | null;
            /** Format: date-time */
            reportedAt: string | null;
            /** @description cron */
            schedule: string;
            /** @description the transfer's state as the agent reported it, or unknown */
            state: string;
            /**
             * @description active: it reached its offsite server recently
             * @enum {string}
             */
            status: "active" | "inactive";
            /** Format: date-time */
            updatedAt: string | null;
        };
        LocalServerChange: {
            /** @description KB/s, 0 for unlimited */
            bandwidthKBps: number;
            bytesRemaining: number | null;
            /** Format: date-time */
            createdAt: string | null;
            directory: string;
            error: string | null;
            etaSeconds: number | null;
            id: string;
            /** Format: date-time */
            inactiveSince: string | null;
            /** Format: date-time */
            lastContactAt: string | null;
            lastPass: components["schemas"]["ReplicationPass"] | (never | null);
            /** Format: date-time */
            lastTransferAt: string | null;
            machineId: string;
            /** Format: date-time */
            nextRunAt: string | null;
            offsiteServerId: string;
            /** @description ids of the commands queued on the agents */
            procedures: string[];
            rateBytesPerSecond: number | null;
            /** Format: date-time */
            reportedAt: string | null;
            /** @description cron */
            schedule: string;
            /** @description the transfer's state as the agent reported it, or unknown */
            state: string;
            /**
             * @description active: it reached its offsite server recently
             * @enum {string}
             */
            status: "active" | "inactive";
            /** Format: date-time */
            updatedAt: string | null;
            warnings: string[];
        };
        LocalServerProgress: {
            bytesRemaining: number | null;
            error: string | null;
            etaSeconds: number | null;
            /** Format: date-time */
            lastContactAt: string | null;
            lastPass: components["schemas"]["ReplicationPass"] | (never | null);
            /** Format: date-time */
            lastTransferAt: string | null;
            /** Format: date-time */
            nextRunAt: string | null;
            rateBytesPerSecond: number | null;
            /** Format: date-time */
            reportedAt: string | null;
            /** @description the transfer's state as the agent reported it, or unknown */
            state: string;
            /**
             * @description active: it reached its offsite server recently
             * @enum {string}
             */
            status: "active" | "inactive";
        };
        Machine: {
            agentVersion: string | null;
            /** @description the settings the agent last confirmed; null when it never confirmed any */
            appliedCheckinControl: components["schemas"]["CheckinControlSettings"] | (never | null);
            /** @description null until the first audit */
            audit: components["schemas"]["MachineAuditSummary"] | (never | null);
            /** @description bound to this server (Server ID pinned): bindToServer */
            bound: boolean;
            checkinControl: components["schemas"]["CheckinControlSettings"];
            connectedFrom: string | null;
            /** Format: date-time */
            firstCheckinAt: string | null;
            group: string;
            guid: string;
            /** @description the Machine.Group ID: name.group.organization */
            id: string;
            /** Format: date-time */
            lastCheckinAt: string | null;
            localAddresses: string[];
            /** @description while online only */
            loggedOnUser: string | null;
            name: string;
            online: boolean;
            organization: string;
            /** @description settings set on the server that the agent has not confirmed yet (PENDING) */
            pendingSettings: ("primary" | "secondary" | "periodSeconds" | "bindToServer" | "bandwidthKBps")[];
            remoteControlEnabled: boolean;
            /** @description the agent confirmed the settings: pendingSettings is empty */
            settingsApplied: boolean;
            /**
             * @description the check-in status: the first of these that applies, in this order
             * @enum {string}
             */
            status: "suspended" | "never-checked-in" | "offline" | "online-awaiting-audit" | "remote-control-disabled" | "user-idle" | "user-logged-on" | "online";
            suspended: boolean;
            /** @description a temporary agent: deleted after it stays offline */
            temporary: boolean;
            userIdleSeconds: number;
        };
        MachineAuditSummary: {
            /** Format: date-time */
            auditedAt: string | null;
            cores: number;
            cpu: string;
            hardwareId: string;
            hostName: string;
            memoryBytes: number;
            /** @description "platform release" */
            os: string;
        };
        MachineConnection: {
            /** @description check-ins in this connection; counted in memory and written when it ends, so null while it lasts */
            checkins: number | null;
            /** Format: date-time */
            connectedAt: string;
            /**
             * Format: date-time
             * @description null while the connection lasts
             */
            disconnectedAt: string | null;
            /** @description from connect to disconnect; null while the connection lasts */
            durationSeconds: number | null;
            /** @description how it ended: agent-closed, connection-lost, replaced, server-restart, machine-removed, protocol-error, node-lost (its server node was killed); null while it lasts */
            endReason: string | null;
            /** @description the connection (agent session) id */
            id: string;
            /** Format: date-time */
            lastCheckinAt: string | null;
            /** @description the server node that held it */
            nodeId: string;
            /** @description where the connection came from */
            remoteAddress: string;
        };
        MachineConnectionPage: {
            items: components["schemas"]["MachineConnection"][];
            /** @description pass as `after` for the next page; null after the last page (and without a limit) */
            next: string | null;
            /** @description how many items the list holds with its filters and search (all pages) */
            total: number;
        };
        MachineEvent: {
            /** Format: date-time */
            at: string;
            /**
             * @description connected, disconnected (its agent), suspended, resumed, removed (an administrator), checked-in (another logged-on user, idleness or agent version), audited, settings-applied (the agent confirmed changed check-in control settings)
             * @enum {string}
             */
            change: "connected" | "disconnected" | "suspended" | "resumed" | "removed" | "checked-in" | "audited" | "settings-applied";
            /** @description the row's fields now, to merge into the row shown; null once the machine is deleted */
            machine: components["schemas"]["MachineEventRow"] | (never | null);
            machineId: string;
            /**
             * @description the check-in status now
             * @enum {string}
             */
            status: "suspended" | "never-checked-in" | "offline" | "online-awaiting-audit" | "remote-control-disabled" | "user-idle" | "user-logged-on" | "online" | "deleted";
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "machine";
        };
        MachineEventRow: {
            agentVersion: string | null;
            bound: boolean;
            connectedFrom: string | null;
            /** Format: date-time */
            firstCheckinAt: string | null;
            /** Format: date-time */
            lastCheckinAt: string | null;
            loggedOnUser: string | null;
            online: boolean;
            /** @description the check-in control settings the agent has not confirmed yet */
            pendingSettings: ("primary" | "secondary" | "periodSeconds" | "bindToServer" | "bandwidthKBps")[];
            remoteControlEnabled: boolean;
            /** @description false while changed check-in control settings are pending */
            settingsApplied: boolean;
            /** @enum {string} */
            status: "suspended" | "never-checked-in" | "offline" | "online-awaiting-audit" | "remote-control-disabled" | "user-idle" | "user-logged-on" | "online";
            suspended: boolean;
            temporary: boolean;
            userIdleSeconds: number;
        };
        MachinePage: {
            items: components["schemas"]["Machine"][];
            /** @description pass as `after` for the next page; null after the last page (and without a limit) */
            next: string | null;
            /** @description how many items the list holds with its filters and search (all pages) */
            total: number;
        };
        MaintenanceWindow: {
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            endsAt: string;
            /** @description the window's group, or the machine's group for a machine's window */
            group: string;
            id: string;
            machineId: string | null;
            reason: string;
            /** Format: date-time */
            startsAt: string;
        };
        MaintenanceWindowBody: {
            /** @description ISO 8601 date-time, after startsAt */
            endsAt: string;
            /** @description a machine group or organization; or give machine */
            group?: string;
            /** @description a machine id; or give group */
            machine?: string;
            reason?: string;
            /** @description ISO 8601 date-time */
            startsAt: string;
        };
        Me: {
            credential: {
                id: string;
                kind: string;
            };
            grants: components["schemas"]["Grant"][];
            permissions: string[];
            /** @description the permissions held on everything (the master scope): operations marked x-on-everything need them there */
            permissionsOnEverything: string[];
            user: components["schemas"]["User"];
        };
        Notification: {
            /** Format: date-time */
            createdAt: string;
            id: number;
            machineId: string | null;
            message: string;
            /** @description one of duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption */
            type: string;
        };
        NotificationSwitches: {
            "duplicate-account": boolean;
            "lan-via-gateway": boolean;
            "local-server-inactive": boolean;
            "offsite-corruption": boolean;
        };
        OffsiteServer: {
            /** @description the check-in status of the role's machine, or unknown */
            agentStatus: string;
            connectedLocalServers: number;
            /** Format: date-time */
            createdAt: string | null;
            directory: string;
            error: string | null;
            freeBytes: number | null;
            host: string;
            id: string;
            lastVerification: components["schemas"]["OffsiteVerification"] | (never | null);
            machineId: string;
            port: number;
            /** Format: date-time */
            reportedAt: string | null;
            /**
             * @description online: its agent is connected and reported the role running recently
             * @enum {string}
             */
            status: "online" | "offline";
            syntheticFull: boolean;
            /** Format: date-time */
            updatedAt: string | null;
        };
        OffsiteServerChange: {
            /** @description the check-in status of the role's machine, or unknown */
            agentStatus: string;
            connectedLocalServers: number;
            /** Format: date-time */
            createdAt: string | null;
            directory: string;
            error: string | null;
            freeBytes: number | null;
            host: string;
            id: string;
            lastVerification: components["schemas"]["OffsiteVerification"] | (never | null);
            machineId: string;
            port: number;
            /** @description ids of the commands queued on the agents */
            procedures: string[];
            /** Format: date-time */
            reportedAt: string | null;
            /**
             * @description online: its agent is connected and reported the role running recently
             * @enum {string}
             */
            status: "online" | "offline";
            syntheticFull: boolean;
            /** Format: date-time */
            updatedAt: string | null;
            warnings: string[];
        };
        OffsiteVerification: {
            at: number;
            bytesChecked: number;
            corrupted: {
                blocks: number;
                guid: string;
                path: string;
            }[];
            filesChecked: number;
            missing: number;
        };
        QueuedCommands: {
            /** @description false: the idempotency key was used before; nothing new was queued */
            created: boolean;
            items: {
                id: string;
                /** @enum {string} */
                status: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
                target: string;
            }[];
            /** @description how many targets the request selected (one command each) */
            matched: number;
        };
        Readiness: {
            checks: {
                listeners: string;
                store: string;
            };
            /** @enum {string} */
            status: "ready";
        };
        RemovedMachine: {
            /** @description its commands never delivered, now canceled */
            canceledCommands: number;
            id: string;
            /** @description its delivered commands without a result, now unknown */
            unknownCommands: number;
        };
        ReplicationEvent: {
            /** Format: date-time */
            at: string;
            localServer: components["schemas"]["LocalServerProgress"];
            localServerId: string;
            /** @description the machine whose agent runs the local server */
            machineId: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "replication";
        };
        ReplicationPass: {
            at: number;
            bytesSent: number;
            complete: boolean;
            durationMs: number;
            filesSent: number;
            literalBytes: number;
            matchedBytes: number;
            resumedBytes: number;
        };
        ReplicationProcedures: {
            /** @description ids of the commands queued on the agents */
            procedures: string[];
        };
        Role: {
            builtIn: boolean;
            /** Format: date-time */
            createdAt: string | null;
            id: string;
            name: string;
            permissions: string[];
            requireTotp: boolean;
        };
        Scope: {
            builtIn: boolean;
            /** Format: date-time */
            createdAt: string | null;
            entries: components["schemas"]["ScopeEntry"][];
            id: string;
            name: string;
        };
        ScopeEntry: {
            id: string;
            include: boolean;
            kind: "organization" | "group" | "machine";
        };
        ServerAddress: {
            host: string;
            port: number;
        };
        ServerIdChange: {
            /** @description fingerprint of the server's identity key */
            previousServerId: string;
            /** @description fingerprint of the server's identity key */
            serverId: string;
        };
        ServerNode: {
            /** @description where other nodes reach it (host:port of its first agent port) */
            address: string;
            /**
             * Format: date-time
             * @description when it last started
             */
            announcedAt: string;
            /** @description the node's id, the same across its restarts */
            id: string;
            /**
             * Format: date-time
             * @description its latest heartbeat
             */
            lastSeenAt: string;
            /** @description the node that answered */
            thisNode: boolean;
        };
        ServerStatus: {
            /** @description the ports agents connect to */
            agentPorts: number[];
            /** @description agents connected to this node; null unless the caller sees every machine */
            connectedAgents: number | null;
            /** @description fingerprint of the server's identity key */
            serverId: string;
            version: string;
        };
        SignedIn: {
            /** @description send it in the x-csrf-token header of every request that changes state */
            csrfToken: string;
            /**
             * Format: date-time
             * @description the session ends then at the latest
             */
            expiresAt: string;
            user: components["schemas"]["User"];
        };
        StoredFile: {
            /** @description the get-file command */
            commandId: string | null;
            /** Format: date-time */
            completedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description the machine group it belongs to */
            group: string | null;
            id: string;
            /** @description the machine a get-file came from */
            machineId: string | null;
            name: string;
            /** @description bytes held so far */
            received: number;
            /** @description hex SHA-256, once complete */
            sha256: string | null;
            /** @description bytes, once complete */
            size: number | null;
            /**
             * @description receiving: still arriving (a get-file in progress); complete: whole and verified
             * @enum {string}
             */
            status: "receiving" | "complete";
        };
        StreamEvent: components["schemas"]["CommandEvent"] | components["schemas"]["CheckinEvent"] | components["schemas"]["MachineEvent"] | components["schemas"]["ReplicationEvent"];
        TerminalSession: {
            /** @description the node that held the agent */
            agentNode: string | null;
            /** @description bytes typed */
            bytesIn: number;
            /** @description bytes the terminal printed */
            bytesOut: number;
            cols: number;
            /**
             * Format: date-time
             * @description null while live
             */
            endedAt: string | null;
            endedBy: string | null;
            endReason: string | null;
            id: string;
            live: boolean;
            machineId: string;
            /** @description the node that served the person */
            node: string;
            recordingBytes: number;
            /** @description whether keystrokes are in the recording */
            recordInput: boolean;
            rows: number;
            /** Format: date-time */
            startedAt: string;
            /** @description who opened it */
            user: string;
        };
        User: {
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
        UserWithGrants: {
            grants: components["schemas"]["Grant"][];
            user: components["schemas"]["User"];
        };
        Webhook: {
            /** Format: date-time */
            createdAt: string;
            enabled: boolean;
            hasSecret: boolean;
            org: string;
            url: string;
        };
        WebhookDeadLetter: {
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            event: components["schemas"]["CommandStatusWebhookEvent"];
            id: string;
            lastError: string | null;
            org: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAlertRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AlertRule"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createAlertRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertRuleBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRule"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getAlertRule: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRule"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateAlertRule: {
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
                "application/json": components["schemas"]["AlertRuleBody"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRule"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteAlertRule: {
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
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listAlerts: {
        parameters: {
            query?: {
                limit?: number;
                state?: "firing" | "resolved";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Alert"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEntry"][];
                        /** @description cursor for ?before= of the next page */
                        next: number | null;
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerification"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateCheckinControl: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckinControlUpdateResult"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getCheckinPolicy: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckinPolicy"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setCheckinPolicy: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckinPolicyChange"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listCommands: {
        parameters: {
            query?: {
                /** @description where the page starts: the answer's `next` of the page before (opaque; valid only with the same sort and order) */
                after?: string;
                /** @description the older page cursor: the "next" of the page before, newest first only (after does the same) */
                before?: number;
                /** @description Machine.Group ID filter on the target */
                filter?: string;
                /** @description created at or after */
                from?: string;
                /** @description a page of at most this many */
                limit?: number;
                /** @description default: desc for created (newest first), else asc */
                order?: "asc" | "desc";
                /** @description text the target id or the type contains (case-insensitive; "%", "_" and "\" are literal) */
                search?: string;
                /** @description the column to order by (default created); ties are ordered by id, so the order is total */
                sort?: "created" | "status" | "type" | "target";
                status?: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
                /** @description one machine or device id */
                target?: string;
                /** @description created before */
                to?: string;
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommandPage"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createCommand: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuedCommands"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuedCommands"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getCommand: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommandDetail"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    cancelCommand: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Command"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createDeviceEnrollmentToken: {
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedDeviceEnrollmentToken"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setDeviceGroupSettings: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceGroupSettings"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listDevices: {
        parameters: {
            query?: {
                /** @description where the page starts: the answer's `next` of the page before (opaque; valid only with the same sort and order) */
                after?: string;
                /** @description Machine.Group ID filter on the device id: "*" wildcards, or a device id, or a group name */
                filter?: string;
                /** @description a page of at most this many items */
                limit?: number;
                /** @description ascending or descending */
                order?: "asc" | "desc";
                /** @description text the id, name or model contains (case-insensitive; "%", "_" and "\" are literal) */
                search?: string;
                /** @description the column to order by (default id); ties are ordered by id, so the order is total */
                sort?: "id" | "group" | "platform" | "lastCheckin" | "enrolled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DevicePage"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getDevice: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listDeviceLocations: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeviceLocation"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    requestDeviceCheckin: {
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
            /** @description Accepted: queued, and done in the background */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceWake"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setDeviceSettings: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Device"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listDeviceWakes: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["DeviceWake"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream (it does not end while the server runs) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["StreamEvent"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listFiles: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["StoredFile"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    uploadFile: {
        parameters: {
            query: {
                group?: string;
                name: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredFile"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description the body has the wrong content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getFile: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredFile"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteFile: {
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
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    downloadFile: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listInstallTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["InstallToken"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createInstallToken: {
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedInstallToken"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    revokeInstallToken: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstallToken"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listLocalServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["LocalServer"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createLocalServer: {
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalServerChange"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getLocalServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalServer"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateLocalServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LocalServerChange"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteLocalServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    replicateLocalServerNow: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    restartLocalServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listMachines: {
        parameters: {
            query?: {
                /** @description where the page starts: the answer's `next` of the page before (opaque; valid only with the same sort and order) */
                after?: string;
                /** @description Machine.Group ID filter: "*" wildcards (*.web.acme), or a machine id, or a group name (web.acme: that group and its subgroups) */
                filter?: string;
                /** @description a page of at most this many items */
                limit?: number;
                /** @description ascending or descending */
                order?: "asc" | "desc";
                /** @description text the item must contain (case-insensitive; "%", "_" and "\" are literal) */
                search?: string;
                /** @description the column to order by (default id); ties are ordered by id, so the order is total */
                sort?: "id" | "group" | "status" | "lastCheckin" | "loggedOnUser" | "agentVersion" | "os";
                /** @description only machines with one of these check-in statuses (repeat the parameter for several); as for sort=status, the status the stored state gives, which for an agent whose server node died says online until its flag is cleared */
                status?: ("suspended" | "never-checked-in" | "offline" | "online-awaiting-audit" | "remote-control-disabled" | "user-idle" | "user-logged-on" | "online")[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachinePage"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getMachine: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteMachine: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemovedMachine"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listMachineCheckinHistory: {
        parameters: {
            query?: {
                /** @description where the page starts: the answer's `next` of the page before (opaque) */
                after?: string;
                /** @description a page of at most this many (default 50) */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineConnectionPage"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listMachineCommands: {
        parameters: {
            query?: {
                /** @description where the page starts: the answer's `next` of the page before (opaque; valid only with the same sort and order) */
                after?: string;
                /** @description a page of at most this many */
                limit?: number;
                /** @description default: desc for created (newest first), else asc */
                order?: "asc" | "desc";
                /** @description text the target id or the type contains (case-insensitive; "%", "_" and "\" are literal) */
                search?: string;
                /** @description the column to order by (default created); ties are ordered by id, so the order is total */
                sort?: "created" | "status" | "type" | "target";
                status?: "pending" | "processing" | "complete" | "failed" | "expired" | "canceled" | "unknown";
                type?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommandPage"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setMachineRemoteControl: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    resumeMachine: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    suspendMachine: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listMaintenanceWindows: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MaintenanceWindow"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createMaintenanceWindow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MaintenanceWindowBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaintenanceWindow"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteMaintenanceWindow: {
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
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
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
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
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
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getNotificationSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationSwitches"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setNotificationSettings: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationSwitches"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listNotifications: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Notification"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listOffsiteServers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["OffsiteServer"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createOffsiteServer: {
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OffsiteServerChange"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getOffsiteServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OffsiteServer"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateOffsiteServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OffsiteServerChange"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteOffsiteServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    restartOffsiteServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    verifyOffsiteServer: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplicationProcedures"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getOrganizationWebhook: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    setOrganizationWebhook: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfiguredWebhook"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteOrganizationWebhook: {
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
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Role"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Scope"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
                    entries: components["schemas"]["ScopeEntry"][];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Scope"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Scope"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
                    entries: components["schemas"]["ScopeEntry"][];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Scope"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getServer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerStatus"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    changeServerId: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerIdChange"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listServerNodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ServerNode"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedIn"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description too-many-requests: try again after Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listTerminalSessions: {
        parameters: {
            query: {
                /** @description the next of the page before */
                after?: string;
                limit: number;
                live?: boolean;
                machineId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TerminalSession"][];
                        next: string | null;
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    endTerminalSession: {
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getTerminalRecording: {
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
            /** @description asciicast v2 lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiToken"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiToken"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["User"][];
                    };
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
                    grants?: components["schemas"]["Grant"][];
                    /** @description letters, digits, ".", "_" and "-" */
                    name: string;
                    password?: string | null;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserWithGrants"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserWithGrants"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
                    grants: components["schemas"]["Grant"][];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        grants: components["schemas"]["Grant"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
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
            /** @description Done; no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    listWebhookDeadLetters: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["WebhookDeadLetter"][];
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    retryWebhookDeadLetter: {
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
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "pending";
                    };
                };
            };
            /** @description invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description not-found: it does not exist, or lies outside the caller's scope */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description store-unavailable: the store was lost under the running server, so changes are refused */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
