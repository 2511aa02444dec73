-- ecprkit registry schema, migration 001: the normalized tables and the
-- episode_intervals view.  Applied by ecpr_db_migrate() inside one
-- transaction; see ecpr-schema(7).  Names follow DOMAIN.md (the contract).

CREATE TABLE site (
	site		text PRIMARY KEY CHECK (site <> ''),
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_batch (
	batch_id	bigserial PRIMARY KEY,
	started_at	timestamptz NOT NULL DEFAULT now(),
	db_role		text NOT NULL DEFAULT current_user,
	files		text NOT NULL,
	tz		text,
	inserted	integer,
	updated		integer,
	unchanged	integer
);

CREATE TABLE subject (
	site		text NOT NULL REFERENCES site,
	subject		text NOT NULL CHECK (subject <> ''),
	PRIMARY KEY (site, subject)
);

CREATE TABLE episode (
	episode_id	bigserial PRIMARY KEY,
	site		text NOT NULL,
	subject		text NOT NULL,
	episode		integer NOT NULL CHECK (episode >= 1),
	tz		text,
	age_years	integer CHECK (age_years BETWEEN 0 AND 150),
	sex		text CHECK (sex IN ('M', 'F', 'U')),
	bmi		numeric CHECK (bmi BETWEEN 5 AND 100),
	primary_disease	text,
	ca_location	text CHECK (ca_location IN ('home', 'street', 'public',
			    'ems', 'ed', 'icu', 'ward', 'cath_lab', 'other')),
	first_cpr_provider text CHECK (first_cpr_provider IN ('bystander',
			    'first_aider', 'ems', 'physician', 'nurse',
			    'intensivist', 'other')),
	initial_rhythm	text CHECK (initial_rhythm IN ('vf', 'pvt', 'pea',
			    'asystole', 'unknown')),
	apache2		integer CHECK (apache2 BETWEEN 0 AND 71),
	cannulation_method text CHECK (cannulation_method IN ('percutaneous',
			    'surgical', 'hybrid')),
	mcc_device	text,
	ecmo_device	text,
	cpc_discharge	integer CHECK (cpc_discharge BETWEEN 1 AND 5),
	batch_id	bigint REFERENCES import_batch,
	UNIQUE (site, subject, episode),
	UNIQUE (episode_id, site),
	FOREIGN KEY (site, subject) REFERENCES subject
);

-- One event occurrence.  occurrence numbers the events of one type in
-- time order (1 = first); ord is the position in the whole episode.
-- [t_utc, t_end) is the span the written value covers at its precision;
-- utc_offset (seconds east) is the offset it was written in; source is
-- the value as written ("cpr_start+PT10M").
CREATE TABLE event (
	episode_id	bigint NOT NULL,
	site		text NOT NULL,
	type		text NOT NULL CHECK (type IN ('ca_onset', 'cpr_start',
			    'mcc_start', 'mcc_stop', 'rosc_transient',
			    'rearrest', 'cannulation_start',
			    'ecmo_flow_start', 'rosc', 'ecmo_stop',
			    'iabp_start', 'iabp_stop', 'crrt_start',
			    'crrt_stop', 'mv_start', 'mv_stop', 'pci',
			    'icu_admit', 'icu_discharge', 'hospital_admit',
			    'hospital_discharge', 'death')),
	occurrence	integer NOT NULL CHECK (occurrence >= 1),
	ord		integer NOT NULL CHECK (ord >= 1),
	t_utc		timestamptz NOT NULL,
	t_end		timestamptz NOT NULL,
	precision	text NOT NULL CHECK (precision IN ('year', 'month',
			    'day', 'minute', 'second')),
	utc_offset	integer NOT NULL CHECK (utc_offset BETWEEN -86400
			    AND 86400),
	source		text NOT NULL,
	note		text,
	batch_id	bigint REFERENCES import_batch,
	PRIMARY KEY (episode_id, type, occurrence),
	FOREIGN KEY (episode_id, site) REFERENCES episode (episode_id, site)
	    ON DELETE CASCADE,
	CHECK (t_end > t_utc)
);

-- Lab values and other measurements, including censored ones
-- ("> 35,000" is comparator '>' and value 35000).
CREATE TABLE observation (
	observation_id	bigserial PRIMARY KEY,
	episode_id	bigint NOT NULL,
	site		text NOT NULL,
	name		text NOT NULL CHECK (name <> ''),
	t_utc		timestamptz,
	comparator	text NOT NULL DEFAULT '=' CHECK (comparator IN ('<',
			    '<=', '=', '>=', '>')),
	value		numeric NOT NULL,
	unit		text,
	source		text,
	batch_id	bigint REFERENCES import_batch,
	FOREIGN KEY (episode_id, site) REFERENCES episode (episode_id, site)
	    ON DELETE CASCADE
);

-- Every change to stored data by an import: one row per changed value.
CREATE TABLE audit_log (
	audit_id	bigserial PRIMARY KEY,
	site		text NOT NULL,
	table_name	text NOT NULL,
	row_key		text NOT NULL,
	column_name	text NOT NULL,
	old_value	text,
	new_value	text,
	at		timestamptz NOT NULL DEFAULT now(),
	batch_id	bigint REFERENCES import_batch,
	db_role		text NOT NULL DEFAULT current_user
);
CREATE INDEX audit_log_batch ON audit_log (batch_id);

-- Round num/den half away from zero (den > 0), as lib/interval.c.
CREATE FUNCTION ecpr_div_round(num bigint, den bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN num >= 0 THEN (2 * num + den) / (2 * den)
	ELSE -((2 * (-num) + den) / (2 * den)) END $$;

-- A figure in its unit as text: den 60 gives minutes ("77"), den 8640
-- tenths of a day written with one decimal ("16.0").
CREATE FUNCTION ecpr_unit_text(v bigint, den bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN den = 60 THEN v::text
	ELSE (v / 10)::text || '.' || (v % 10)::text END $$;

-- An interval from its bounds in seconds: lo_s = stop_lo - start_hi,
-- hi_s = stop_hi - start_lo.  Exact when both round equal, else "LO..HI".
CREATE FUNCTION ecpr_interval_text(lo_s bigint, hi_s bigint, den bigint)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE
	WHEN lo_s = hi_s THEN ecpr_unit_text(ecpr_div_round(lo_s, den), den)
	WHEN ecpr_div_round(greatest(lo_s, 0), den) = ecpr_div_round(hi_s, den)
	    THEN ecpr_unit_text(ecpr_div_round(hi_s, den), den)
	ELSE ecpr_unit_text(ecpr_div_round(greatest(lo_s, 0), den), den)
	    || '..' || ecpr_unit_text(ecpr_div_round(hi_s, den), den) END $$;

-- The bounds of an event in epoch seconds: a value of day precision or
-- coarser is widened to its whole span; finer values are their instant.
CREATE VIEW event_bounds AS
SELECT episode_id, type, occurrence,
    extract(epoch FROM t_utc)::bigint AS lo,
    CASE WHEN precision IN ('year', 'month', 'day')
	THEN extract(epoch FROM t_end)::bigint
	ELSE extract(epoch FROM t_utc)::bigint END AS hi
FROM event;

-- The derived intervals of DOMAIN.md section 4, computed as lib/interval.c
-- does: first occurrences, the sustained rosc, NULL when an input is
-- missing, ranges "LO..HI" when an input is less precise than the unit.
CREATE VIEW episode_intervals AS
SELECT e.site, e.subject, e.episode,
    ecpr_interval_text(cpr.lo - ca.hi, cpr.hi - ca.lo, 60) AS no_flow_min,
    ecpr_interval_text(coalesce(flow.lo, rosc.lo) - cpr.hi,
	coalesce(flow.hi, rosc.hi) - cpr.lo, 60) AS conventional_cpr_min,
    ecpr_interval_text(mcc.lo_s, mcc.hi_s, 60) AS mechanical_cc_min,
    ecpr_interval_text(rosc.lo - ca.hi, rosc.hi - ca.lo, 60)
	AS cardiac_arrest_min,
    ecpr_interval_text(flow.lo - can.hi, flow.hi - can.lo, 60)
	AS ecmo_setup_min,
    ecpr_interval_text(flow.lo - ca.hi, flow.hi - ca.lo, 60)
	AS ca_to_flow_min,
    ecpr_interval_text(estop.lo - flow.hi, estop.hi - flow.lo, 8640)
	AS ecpr_days,
    ecpr_interval_text(coalesce(icud.lo, death.lo) - icua.hi,
	coalesce(icud.hi, death.hi) - icua.lo, 8640) AS icu_days,
    ecpr_interval_text(coalesce(hd.lo, death.lo) - ha.hi,
	coalesce(hd.hi, death.hi) - ha.lo, 8640) AS hospital_days,
    e.cpc_discharge::text AS cpc_discharge
FROM episode e
LEFT JOIN event_bounds ca ON ca.episode_id = e.episode_id
    AND ca.type = 'ca_onset' AND ca.occurrence = 1
LEFT JOIN event_bounds cpr ON cpr.episode_id = e.episode_id
    AND cpr.type = 'cpr_start' AND cpr.occurrence = 1
LEFT JOIN event_bounds can ON can.episode_id = e.episode_id
    AND can.type = 'cannulation_start' AND can.occurrence = 1
LEFT JOIN event_bounds flow ON flow.episode_id = e.episode_id
    AND flow.type = 'ecmo_flow_start' AND flow.occurrence = 1
LEFT JOIN event_bounds rosc ON rosc.episode_id = e.episode_id
    AND rosc.type = 'rosc' AND rosc.occurrence = 1
LEFT JOIN event_bounds estop ON estop.episode_id = e.episode_id
    AND estop.type = 'ecmo_stop' AND estop.occurrence = 1
LEFT JOIN event_bounds icua ON icua.episode_id = e.episode_id
    AND icua.type = 'icu_admit' AND icua.occurrence = 1
LEFT JOIN event_bounds icud ON icud.episode_id = e.episode_id
    AND icud.type = 'icu_discharge' AND icud.occurrence = 1
LEFT JOIN event_bounds ha ON ha.episode_id = e.episode_id
    AND ha.type = 'hospital_admit' AND ha.occurrence = 1
LEFT JOIN event_bounds hd ON hd.episode_id = e.episode_id
    AND hd.type = 'hospital_discharge' AND hd.occurrence = 1
LEFT JOIN event_bounds death ON death.episode_id = e.episode_id
    AND death.type = 'death' AND death.occurrence = 1
LEFT JOIN LATERAL (
	SELECT CASE WHEN count(*) = 0 OR count(sp.lo) <> count(*) THEN NULL
	    ELSE sum(greatest(sp.lo - st.hi, 0))::bigint END AS lo_s,
	    CASE WHEN count(*) = 0 OR count(sp.lo) <> count(*) THEN NULL
	    ELSE sum(sp.hi - st.lo)::bigint END AS hi_s
	FROM event_bounds st
	LEFT JOIN event_bounds sp ON sp.episode_id = st.episode_id
	    AND sp.type = 'mcc_stop' AND sp.occurrence = st.occurrence
	WHERE st.episode_id = e.episode_id AND st.type = 'mcc_start'
) mcc ON true;
