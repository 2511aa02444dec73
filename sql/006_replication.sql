-- ecprkit registry schema, migration 006: many sites, one hub (issue 12).
-- A site publishes its own rows (ecpr-db publish) and a hub subscribes to
-- each site (ecpr-db subscribe) with PostgreSQL's logical replication.
--
-- Ids: every site numbers its episodes and audit rows from 1, so two
-- sites' ids meet at the hub.  The keys are made site-qualified here:
-- (episode_id, site) for episodes, the site added at the end of the keys
-- of events, observations, complications and audit rows.  They are the
-- replica identity of the published tables, and a row filter on site may
-- use them.  Joins that went by episode_id alone (the views) now go by
-- (episode_id, site).  The hub's own imports (sites that send files)
-- number from 2^62 up (ecpr_hub_attach), above every replicated id, so
-- that their rows never share an id with a replicated row.
--
-- Isolation at the hub: a trigger on every replicated table (installed
-- when the registry first subscribes, so sites pay nothing) lets the
-- apply worker of a site's subscription write rows of that site only,
-- and nobody else write the rows of a subscribed site.

-- ---- site-qualified keys --------------------------------------------------

ALTER TABLE public.event DROP CONSTRAINT event_episode_id_site_fkey;
ALTER TABLE public.observation
	DROP CONSTRAINT observation_episode_id_site_fkey;
ALTER TABLE public.complication
	DROP CONSTRAINT complication_episode_id_site_fkey;
ALTER TABLE public.episode DROP CONSTRAINT episode_episode_id_site_key,
	DROP CONSTRAINT episode_pkey,
	ADD CONSTRAINT episode_pkey PRIMARY KEY (episode_id, site);
ALTER TABLE public.event DROP CONSTRAINT event_pkey,
	ADD CONSTRAINT event_pkey PRIMARY KEY (episode_id, type, occurrence,
	    site),
	ADD CONSTRAINT event_episode_id_site_fkey FOREIGN KEY (episode_id,
	    site) REFERENCES public.episode (episode_id, site)
	    ON DELETE CASCADE;
ALTER TABLE public.observation DROP CONSTRAINT observation_pkey,
	ADD CONSTRAINT observation_pkey PRIMARY KEY (episode_id, observation,
	    source, site),
	ADD CONSTRAINT observation_episode_id_site_fkey FOREIGN KEY
	    (episode_id, site) REFERENCES public.episode (episode_id, site)
	    ON DELETE CASCADE;
ALTER TABLE public.complication DROP CONSTRAINT complication_pkey,
	ADD CONSTRAINT complication_pkey PRIMARY KEY (episode_id,
	    complication, attribution, source, site),
	ADD CONSTRAINT complication_episode_id_site_fkey FOREIGN KEY
	    (episode_id, site) REFERENCES public.episode (episode_id, site)
	    ON DELETE CASCADE;
ALTER TABLE public.audit_log DROP CONSTRAINT audit_log_pkey,
	ADD CONSTRAINT audit_log_pkey PRIMARY KEY (audit_id, site);

-- The views join events to their episode by (episode_id, site): the same
-- results at a site, the right ones at a hub.  event_bounds gains the
-- site as its last column.  CREATE OR REPLACE resets the view options:
-- security_invoker is set again (002), so row-level security applies.
CREATE OR REPLACE VIEW event_bounds AS
SELECT episode_id, type, occurrence,
    extract(epoch FROM t_utc)::bigint AS lo,
    CASE WHEN precision IN ('year', 'month', 'day')
	THEN extract(epoch FROM t_end)::bigint
	ELSE extract(epoch FROM t_utc)::bigint END AS hi,
    site
FROM public.event;

CREATE OR REPLACE VIEW episode_intervals AS
SELECT e.site, e.subject, e.episode,
    public.ecpr_interval_text(cpr.lo - ca.hi, cpr.hi - ca.lo, 60)
	AS no_flow_min,
    public.ecpr_interval_text(coalesce(flow.lo, rosc.lo) - cpr.hi,
	coalesce(flow.hi, rosc.hi) - cpr.lo, 60) AS conventional_cpr_min,
    public.ecpr_interval_text(mcc.lo_s, mcc.hi_s, 60) AS mechanical_cc_min,
    public.ecpr_interval_text(rosc.lo - ca.hi, rosc.hi - ca.lo, 60)
	AS cardiac_arrest_min,
    public.ecpr_interval_text(flow.lo - can.hi, flow.hi - can.lo, 60)
	AS ecmo_setup_min,
    public.ecpr_interval_text(flow.lo - ca.hi, flow.hi - ca.lo, 60)
	AS ca_to_flow_min,
    public.ecpr_interval_text(estop.lo - flow.hi, estop.hi - flow.lo, 8640)
	AS ecpr_days,
    public.ecpr_interval_text(coalesce(icud.lo, death.lo) - icua.hi,
	coalesce(icud.hi, death.hi) - icua.lo, 8640) AS icu_days,
    public.ecpr_interval_text(coalesce(hd.lo, death.lo) - ha.hi,
	coalesce(hd.hi, death.hi) - ha.lo, 8640) AS hospital_days,
    e.cpc_discharge::text AS cpc_discharge
FROM public.episode e
LEFT JOIN event_bounds ca ON ca.episode_id = e.episode_id
    AND ca.site = e.site AND ca.type = 'ca_onset' AND ca.occurrence = 1
LEFT JOIN event_bounds cpr ON cpr.episode_id = e.episode_id
    AND cpr.site = e.site AND cpr.type = 'cpr_start' AND cpr.occurrence = 1
LEFT JOIN event_bounds can ON can.episode_id = e.episode_id
    AND can.site = e.site AND can.type = 'cannulation_start'
    AND can.occurrence = 1
LEFT JOIN event_bounds flow ON flow.episode_id = e.episode_id
    AND flow.site = e.site AND flow.type = 'ecmo_flow_start'
    AND flow.occurrence = 1
LEFT JOIN event_bounds rosc ON rosc.episode_id = e.episode_id
    AND rosc.site = e.site AND rosc.type = 'rosc' AND rosc.occurrence = 1
LEFT JOIN event_bounds estop ON estop.episode_id = e.episode_id
    AND estop.site = e.site AND estop.type = 'ecmo_stop'
    AND estop.occurrence = 1
LEFT JOIN event_bounds icua ON icua.episode_id = e.episode_id
    AND icua.site = e.site AND icua.type = 'icu_admit'
    AND icua.occurrence = 1
LEFT JOIN event_bounds icud ON icud.episode_id = e.episode_id
    AND icud.site = e.site AND icud.type = 'icu_discharge'
    AND icud.occurrence = 1
LEFT JOIN event_bounds ha ON ha.episode_id = e.episode_id
    AND ha.site = e.site AND ha.type = 'hospital_admit'
    AND ha.occurrence = 1
LEFT JOIN event_bounds hd ON hd.episode_id = e.episode_id
    AND hd.site = e.site AND hd.type = 'hospital_discharge'
    AND hd.occurrence = 1
LEFT JOIN event_bounds death ON death.episode_id = e.episode_id
    AND death.site = e.site AND death.type = 'death'
    AND death.occurrence = 1
LEFT JOIN LATERAL (
	SELECT CASE WHEN count(*) = 0 OR count(sp.lo) <> count(*) THEN NULL
	    ELSE sum(greatest(sp.lo - st.hi, 0))::bigint END AS lo_s,
	    CASE WHEN count(*) = 0 OR count(sp.lo) <> count(*) THEN NULL
	    ELSE sum(sp.hi - st.lo)::bigint END AS hi_s
	FROM event_bounds st
	LEFT JOIN event_bounds sp ON sp.episode_id = st.episode_id
	    AND sp.site = st.site
	    AND sp.type = 'mcc_stop' AND sp.occurrence = st.occurrence
	WHERE st.site = e.site
	    AND st.episode_id = e.episode_id AND st.type = 'mcc_start'
) mcc ON true;

ALTER VIEW public.episode_intervals SET (security_invoker = true);
ALTER VIEW public.event_bounds SET (security_invoker = true);

-- ---- publishing (at a site) -----------------------------------------------

-- The tables a site publishes and a hub takes: the rows of episodes and
-- what hangs on them.  Not site (the hub makes its row), import_batch
-- (batches are a registry's own), site_role (roles are per server).
CREATE FUNCTION public.ecpr_replicated_tables() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['subject', 'episode', 'event', 'observation',
	'complication', 'audit_log'];

-- The name of the publication of a site, and of the hub's subscription.
CREATE FUNCTION public.ecpr_publication_name(p_site text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN 'ecpr_site_' || p_site;

-- The table list of the publication of one site: every replicated table
-- with all its columns but batch_id (a batch is the site's own), rows of
-- that site only.
CREATE FUNCTION public.ecpr_publication_tables(p_site text) RETURNS text
    LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT string_agg(format('public.%I (%s) WHERE (site = %L)',
	    c.relname, (SELECT string_agg(quote_ident(a.attname), ', '
		ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = c.oid AND a.attnum > 0
		AND NOT a.attisdropped AND a.attname <> 'batch_id'),
	    p_site), ', ' ORDER BY c.relname)
	FROM pg_catalog.pg_class c
	WHERE c.relnamespace = 'public'::regnamespace
	    AND c.relname = ANY (public.ecpr_replicated_tables());
END;

-- Publish the rows of site p_site: the replication role p_role (LOGIN,
-- REPLICATION; it reads the published tables whole, so it bypasses
-- row-level security, and sees only what the row filter lets through),
-- its password (a SCRAM verifier made by the client), and the
-- publication ecpr_site_<site> (inserts, updates and deletes; never
-- TRUNCATE, which would empty every site's table at the hub).  Run
-- again, it sets the password and the tables anew.  Returns the
-- publication's name.
CREATE FUNCTION public.ecpr_publish(p_site text, p_role text,
    p_password text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	pub text := public.ecpr_publication_name(p_site);
BEGIN
	IF p_site IS NULL OR p_site = '' THEN
		RAISE EXCEPTION 'a site is needed'
		    USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF octet_length(pub) > 63 THEN
		RAISE EXCEPTION 'site name too long to publish (at most 53 '
		    'bytes): %', p_site USING ERRCODE = 'name_too_long';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
		EXECUTE format('ALTER ROLE %I LOGIN REPLICATION BYPASSRLS '
		    'PASSWORD %L', p_role, p_password);
	ELSE
		EXECUTE format('CREATE ROLE %I LOGIN REPLICATION BYPASSRLS '
		    'PASSWORD %L', p_role, p_password);
	END IF;
	EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
	EXECUTE format('GRANT SELECT ON public.subject, public.episode, '
	    'public.event, public.observation, public.complication, '
	    'public.audit_log TO %I', p_role);
	IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = pub) THEN
		EXECUTE format('ALTER PUBLICATION %I SET TABLE %s', pub,
		    public.ecpr_publication_tables(p_site));
		EXECUTE format('ALTER PUBLICATION %I SET (publish = %L)', pub,
		    'insert, update, delete');
	ELSE
		EXECUTE format('CREATE PUBLICATION %I FOR TABLE %s '
		    'WITH (publish = %L)', pub,
		    public.ecpr_publication_tables(p_site),
		    'insert, update, delete');
	END IF;
	RETURN pub;
END
$$;

-- After a migration: the publications of the sites take the tables'
-- columns as they are now (ecpr_db_migrate calls this).  Returns the
-- number of publications.
CREATE FUNCTION public.ecpr_publications_refresh() RETURNS integer
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p text;
	n integer := 0;
BEGIN
	FOR p IN SELECT pubname FROM pg_publication
	    WHERE pubname LIKE 'ecpr\_site\_%' ORDER BY pubname LOOP
		EXECUTE format('ALTER PUBLICATION %I SET TABLE %s', p,
		    public.ecpr_publication_tables(substr(p, 11)));
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

REVOKE EXECUTE ON FUNCTION public.ecpr_publish(text, text, text),
    public.ecpr_publications_refresh() FROM PUBLIC;

-- ---- subscribing (at the hub) ---------------------------------------------

-- The sites this registry subscribes to: one subscription each.
CREATE TABLE public.hub_site (
	site		text PRIMARY KEY CHECK (site <> ''),
	subname		name NOT NULL UNIQUE,
	subscribed_at	timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.hub_site ENABLE ROW LEVEL SECURITY;

-- The ids the hub gives its own rows start here, above every site's.
CREATE FUNCTION public.ecpr_hub_id_base() RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 4611686018427387904;

-- The site whose subscription this session applies (its apply or table
-- synchronisation worker), or NULL.  Only superusers run with
-- session_replication_role = replica, as the workers do; the answer is
-- kept for the session in ecpr.hub_applying_site ('' when the session
-- applies none): a worker applies one subscription all its life, and the
-- guard's triggers skip, without a function call, the rows of that site
-- (their WHEN clause; see ecpr_hub_attach).
CREATE FUNCTION public.ecpr_hub_applying_site() RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v text;
BEGIN
	IF current_setting('session_replication_role') <> 'replica' THEN
		RETURN NULL;
	END IF;
	v := current_setting('ecpr.hub_applying_site', true);
	IF v IS NULL THEN
		SELECT h.site INTO v
		    FROM pg_stat_subscription s
		    JOIN public.hub_site h ON h.subname = s.subname
		    WHERE s.pid = pg_backend_pid() LIMIT 1;
		v := coalesce(v, '');
		PERFORM set_config('ecpr.hub_applying_site', v, false);
	END IF;
	RETURN nullif(v, '');
END
$$;

-- 1 when p_site is subscribed here (its rows come from its registry).
CREATE FUNCTION public.ecpr_hub_is_replicated(p_site text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT EXISTS (SELECT 1 FROM public.hub_site h WHERE h.site = p_site);
END;

-- The guard of the replicated tables at the hub (enabled ALWAYS, so it
-- runs in the apply workers too).  The apply of site X's subscription
-- writes rows of site X only, with ids below the hub's own; no other
-- session writes rows of a subscribed site.
CREATE FUNCTION public.ecpr_hub_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	applying text := public.ecpr_hub_applying_site();
	o text;
	n text;
	id bigint;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		o := OLD.site;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		n := NEW.site;
	END IF;
	IF applying IS NOT NULL THEN
		IF o <> applying OR (TG_OP <> 'DELETE' AND
		    n IS DISTINCT FROM applying) THEN
			RAISE EXCEPTION 'the subscription of site % may not '
			    'write rows of site % (table %)', applying,
			    CASE WHEN o <> applying THEN o ELSE n END,
			    TG_TABLE_NAME
			    USING ERRCODE = 'insufficient_privilege';
		END IF;
		IF TG_OP <> 'DELETE' THEN
			IF TG_TABLE_NAME = 'audit_log' THEN
				id := NEW.audit_id;
			ELSIF TG_TABLE_NAME <> 'subject' THEN
				id := NEW.episode_id;
			END IF;
			IF id >= public.ecpr_hub_id_base() OR id < 1 THEN
				RAISE EXCEPTION 'the subscription of site % '
				    'may not write id % (table %): ids of '
				    'sites are below %', applying, id,
				    TG_TABLE_NAME, public.ecpr_hub_id_base()
				    USING ERRCODE = 'insufficient_privilege';
			END IF;
		END IF;
	ELSIF public.ecpr_hub_is_replicated(o) OR
	    public.ecpr_hub_is_replicated(n) THEN
		RAISE EXCEPTION 'site % is replicated from its own registry: '
		    'change its rows there (table %)',
		    CASE WHEN public.ecpr_hub_is_replicated(o) THEN o ELSE n
		    END, TG_TABLE_NAME
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;

-- No subscription empties a table at the hub (TRUNCATE is never
-- published by ecpr-db publish; a site that adds it is refused).
CREATE FUNCTION public.ecpr_hub_guard_truncate() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF public.ecpr_hub_applying_site() IS NOT NULL THEN
		RAISE EXCEPTION 'the subscription of site % may not truncate '
		    'table %', public.ecpr_hub_applying_site(), TG_TABLE_NAME
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NULL;
END
$$;

-- Before a new subscription of site p_site: refuse a site subscribed
-- already and rows of it here.
CREATE FUNCTION public.ecpr_hub_check(p_site text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF p_site IS NULL OR p_site = '' THEN
		RAISE EXCEPTION 'a site name is needed'
		    USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF octet_length(public.ecpr_publication_name(p_site)) > 63 THEN
		RAISE EXCEPTION 'site name too long to subscribe (at most 53 '
		    'bytes): %', p_site USING ERRCODE = 'name_too_long';
	END IF;
	IF EXISTS (SELECT 1 FROM public.hub_site WHERE site = p_site) THEN
		RAISE EXCEPTION 'site % is subscribed already', p_site
		    USING ERRCODE = 'unique_violation';
	END IF;
	IF EXISTS (SELECT 1 FROM public.subject WHERE site = p_site) OR
	    EXISTS (SELECT 1 FROM public.audit_log WHERE site = p_site) THEN
		RAISE EXCEPTION 'the hub holds rows of site % already: '
		    'remove them first (ecpr-db unsubscribe --purge %)',
		    p_site, p_site USING ERRCODE = 'unique_violation';
	END IF;
END
$$;

-- A subscription of site p_site made (disabled) as p_subname: check the
-- tables it takes (only the replicated ones), install the guard (first
-- time), move the hub's own ids above the sites' and record the site.
-- Rows imported here before the first subscription would share ids with
-- replicated rows: refused.
CREATE FUNCTION public.ecpr_hub_attach(p_site text, p_subname text)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t text;
	bad text;
	seq text;
	id text;
	other text := 'pg_catalog.current_setting(''session_replication_role'') '
	    '<> ''replica''';
	mine text := 'pg_catalog.current_setting(''ecpr.hub_applying_site'', '
	    'true)';
BEGIN
	PERFORM public.ecpr_hub_check(p_site);
	SELECT string_agg(format('%s', r.srrelid::regclass), ', ') INTO bad
	    FROM pg_subscription_rel r JOIN pg_subscription s
	    ON s.oid = r.srsubid
	    JOIN pg_class c ON c.oid = r.srrelid
	    WHERE s.subname = p_subname
	    AND (c.relnamespace <> 'public'::regnamespace OR
	    NOT c.relname = ANY (public.ecpr_replicated_tables()));
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'the publication of site % holds tables no '
		    'site may write at the hub: %', p_site, bad
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_subscription_rel r
	    JOIN pg_subscription s ON s.oid = r.srsubid
	    WHERE s.subname = p_subname) THEN
		RAISE EXCEPTION 'site % publishes no tables (run ''ecpr-db '
		    'publish %'' at the site)', p_site, p_site
		    USING ERRCODE = 'undefined_object';
	END IF;
	IF EXISTS (SELECT 1 FROM public.episode e
	    WHERE e.episode_id < public.ecpr_hub_id_base()
	    AND NOT EXISTS (SELECT 1 FROM public.hub_site h
	    WHERE h.site = e.site)) THEN
		RAISE EXCEPTION 'the hub holds episodes imported here before '
		    'it subscribed: a hub starts empty'
		    USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	-- The guard runs for every row of other sessions; in a worker
	-- (replica role: superusers only) for the first row, then only for
	-- rows of another site or with an id out of range, so that a copy
	-- or an apply of the site's own rows costs no function call.
	FOREACH t IN ARRAY public.ecpr_replicated_tables() LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_trigger
		    WHERE tgrelid = format('public.%I', t)::regclass
		    AND tgname = 'ecpr_hub_guard_ins') THEN
			id := CASE t WHEN 'subject' THEN '' WHEN 'audit_log'
			    THEN 'audit_id' ELSE 'episode_id' END;
			id := CASE WHEN id = '' THEN '' ELSE format(' OR '
			    'NEW.%1$I >= %2$s OR NEW.%1$I < 1', id,
			    public.ecpr_hub_id_base()) END;
			EXECUTE format('CREATE TRIGGER ecpr_hub_guard_ins '
			    'BEFORE INSERT ON public.%I FOR EACH ROW WHEN ('
			    '%s OR NEW.site IS DISTINCT FROM %s%s) EXECUTE '
			    'FUNCTION public.ecpr_hub_guard()', t, other, mine,
			    id);
			EXECUTE format('CREATE TRIGGER ecpr_hub_guard_upd '
			    'BEFORE UPDATE ON public.%I FOR EACH ROW WHEN ('
			    '%s OR OLD.site IS DISTINCT FROM %s OR NEW.site IS '
			    'DISTINCT FROM %s%s) EXECUTE FUNCTION '
			    'public.ecpr_hub_guard()', t, other, mine, mine,
			    id);
			EXECUTE format('CREATE TRIGGER ecpr_hub_guard_del '
			    'BEFORE DELETE ON public.%I FOR EACH ROW WHEN ('
			    '%s OR OLD.site IS DISTINCT FROM %s) EXECUTE '
			    'FUNCTION public.ecpr_hub_guard()', t, other,
			    mine);
			EXECUTE format('ALTER TABLE public.%I ENABLE ALWAYS '
			    'TRIGGER ecpr_hub_guard_ins, ENABLE ALWAYS TRIGGER '
			    'ecpr_hub_guard_upd, ENABLE ALWAYS TRIGGER '
			    'ecpr_hub_guard_del', t);
			EXECUTE format('CREATE TRIGGER ecpr_hub_truncate '
			    'BEFORE TRUNCATE ON public.%I FOR EACH STATEMENT '
			    'EXECUTE FUNCTION public.ecpr_hub_guard_truncate()',
			    t);
			EXECUTE format('ALTER TABLE public.%I ENABLE ALWAYS '
			    'TRIGGER ecpr_hub_truncate', t);
		END IF;
	END LOOP;
	FOR seq IN SELECT pg_get_serial_sequence(x.t, x.c) FROM (VALUES
	    ('public.episode', 'episode_id'),
	    ('public.import_batch', 'batch_id'),
	    ('public.audit_log', 'audit_id')) x(t, c) LOOP
		IF (SELECT coalesce(last_value, 0) FROM pg_sequences
		    WHERE format('%I.%I', schemaname, sequencename)::regclass
		    = seq::regclass) < public.ecpr_hub_id_base() THEN
			PERFORM setval(seq, public.ecpr_hub_id_base(), false);
		END IF;
	END LOOP;
	INSERT INTO public.site (site) VALUES (p_site) ON CONFLICT DO NOTHING;
	INSERT INTO public.hub_site (site, subname) VALUES (p_site, p_subname);
END
$$;

REVOKE EXECUTE ON FUNCTION public.ecpr_hub_check(text),
    public.ecpr_hub_attach(text, text),
    public.ecpr_hub_is_replicated(text) FROM PUBLIC;
-- the guard runs as whoever writes: site roles importing at the hub
GRANT EXECUTE ON FUNCTION public.ecpr_hub_is_replicated(text) TO ecpr_site;
