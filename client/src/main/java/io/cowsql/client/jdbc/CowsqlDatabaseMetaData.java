package io.cowsql.client.jdbc;

import io.cowsql.client.wire.Protocol;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The basics: product and driver names and versions, capabilities, and
 * tables, columns, primary keys, indexes, imported foreign keys and type
 * info, read from {@code sqlite_master} and the table-valued pragmas. Catalogs and schemas do not exist (null).
 * Other catalogue queries throw SQLFeatureNotSupportedException.
 */
final class CowsqlDatabaseMetaData implements DatabaseMetaData, JdbcWrapper {
    private static final int TEXT = Protocol.T_TEXT;
    private static final int INT = Protocol.T_INTEGER;

    private final CowsqlConnection connection;
    private String sqliteVersion;

    CowsqlDatabaseMetaData(CowsqlConnection connection) {
        this.connection = connection;
    }

    private List<Object[]> select(String sql, Object... params) throws SQLException {
        RowSource rows = connection.query(sql, List.of(params), connection.defaultTimeout());
        try {
            List<Object[]> out = new ArrayList<>();
            while (rows.next()) {
                out.add(rows.row().clone());
            }
            return out;
        } finally {
            rows.close();
        }
    }

    /** SQLite's version on the leader, e.g. "3.40.1". */
    private String sqliteVersion() throws SQLException {
        if (sqliteVersion == null) {
            sqliteVersion = String.valueOf(select("SELECT sqlite_version()").get(0)[0]);
        }
        return sqliteVersion;
    }

    private int versionPart(int i) throws SQLException {
        String[] parts = sqliteVersion().split("\\.");
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ResultSet list(List<String> columns, int[] types, List<Object[]> rows) {
        return new CowsqlResultSet(null, RowSource.of(columns, types, rows), 0);
    }

    /** A JDBC name pattern (% and _, escape \) as a case-insensitive regex; null matches everything. */
    static Pattern pattern(String p) {
        if (p == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                sb.append(Pattern.quote(String.valueOf(p.charAt(++i))));
            } else if (c == '%') {
                sb.append(".*");
            } else if (c == '_') {
                sb.append('.');
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    private List<String[]> tableNames(String tablePattern, String[] types) throws SQLException {
        Pattern p = pattern(tablePattern);
        List<String[]> out = new ArrayList<>();
        for (Object[] r : select("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")) {
            String name = (String) r[0];
            String type = name.startsWith("sqlite_") ? "SYSTEM TABLE" : ((String) r[1]).toUpperCase(Locale.ROOT);
            if (!p.matcher(name).matches()) {
                continue;
            }
            if (types != null && !List.of(types).contains(type)) {
                continue;
            }
            out.add(new String[] {name, type});
        }
        out.sort((a, b) -> a[1].equals(b[1]) ? a[0].compareTo(b[0]) : a[1].compareTo(b[1]));
        return out;
    }

    private ResultSet tables(String tablePattern, String[] types) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (String[] t : tableNames(tablePattern, types)) {
            rows.add(new Object[] {null, null, t[0], t[1], null, null, null, null, null, null});
        }
        return list(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT",
                "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION"),
                new int[] {TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT}, rows);
    }

    /** The JDBC type for a declared column type, by SQLite's affinity rules. */
    static int typeOf(String declared) {
        String t = declared == null ? "" : declared.toUpperCase(Locale.ROOT);
        if (t.contains("BOOL")) {
            return Types.BOOLEAN;
        }
        if (t.contains("DATETIME") || t.contains("TIMESTAMP")) {
            return Types.TIMESTAMP;
        }
        if (t.equals("DATE")) {
            return Types.DATE;
        }
        if (t.contains("INT")) {
            return Types.BIGINT;
        }
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
            return Types.VARCHAR;
        }
        if (t.isEmpty() || t.contains("BLOB")) {
            return t.isEmpty() ? Types.OTHER : Types.VARBINARY;
        }
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
            return Types.DOUBLE;
        }
        return Types.NUMERIC;
    }

    private ResultSet columns(String tablePattern, String columnPattern) throws SQLException {
        Pattern cp = pattern(columnPattern);
        List<Object[]> rows = new ArrayList<>();
        List<String[]> tables = tableNames(tablePattern, null);
        tables.sort((a, b) -> a[0].compareTo(b[0]));
        for (String[] t : tables) {
            List<Object[]> info = select("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", t[0]);
            long pkColumns = info.stream().filter(r -> ((Long) r[5]) > 0).count();
            for (Object[] c : info) {
                String name = (String) c[1];
                if (!cp.matcher(name).matches()) {
                    continue;
                }
                String declared = c[2] == null ? "" : (String) c[2];
                boolean notNull = ((Long) c[3]) != 0;
                boolean rowidAlias = declared.equalsIgnoreCase("INTEGER") && ((Long) c[5]) == 1 && pkColumns == 1;
                rows.add(new Object[] {null, null, t[0], name, (long) typeOf(declared), declared, 0L, null, 0L, 10L,
                        notNull ? (long) columnNoNulls : (long) columnNullable, null, c[4], null, null, null,
                        (Long) c[0] + 1, notNull ? "NO" : "YES", null, null, null, null, rowidAlias ? "YES" : "NO", "NO"});
            }
        }
        return list(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME",
                "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "COLUMN_DEF",
                "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
                "SCOPE_CATALOG", "SCOPE_SCHEMA", "SCOPE_TABLE", "SOURCE_DATA_TYPE", "IS_AUTOINCREMENT",
                "IS_GENERATEDCOLUMN"),
                new int[] {TEXT, TEXT, TEXT, TEXT, INT, TEXT, INT, INT, INT, INT, INT, TEXT, TEXT, INT, INT, INT, INT,
                        TEXT, TEXT, TEXT, TEXT, INT, TEXT, TEXT}, rows);
    }

    private ResultSet primaryKeys(String table) throws SQLException {
        if (table == null) {
            throw new SQLException("getPrimaryKeys needs a table name", "HY009");
        }
        List<Object[]> rows = new ArrayList<>();
        for (Object[] c : select("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY name", table)) {
            rows.add(new Object[] {null, null, table, c[0], c[1], null});
        }
        return list(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"),
                new int[] {TEXT, TEXT, TEXT, TEXT, INT, TEXT}, rows);
    }


    private static final int BOOL = Protocol.T_BOOLEAN;

    private ResultSet typeInfo() {
        Object[][] types = {
            {"INTEGER", Types.BIGINT, 19L, null, null, Boolean.FALSE, Boolean.TRUE},
            {"BLOB", Types.VARBINARY, 1_000_000_000L, "X'", "'", Boolean.FALSE, Boolean.FALSE},
            {"NUMERIC", Types.NUMERIC, 19L, null, null, Boolean.FALSE, Boolean.FALSE},
            {"REAL", Types.DOUBLE, 17L, null, null, Boolean.FALSE, Boolean.FALSE},
            {"TEXT", Types.VARCHAR, 1_000_000_000L, "'", "'", Boolean.TRUE, Boolean.FALSE},
            {"BOOLEAN", Types.BOOLEAN, 1L, null, null, Boolean.FALSE, Boolean.FALSE},
            {"DATE", Types.DATE, 10L, "'", "'", Boolean.FALSE, Boolean.FALSE},
            {"DATETIME", Types.TIMESTAMP, 35L, "'", "'", Boolean.FALSE, Boolean.FALSE},
        };
        List<Object[]> rows = new ArrayList<>();
        for (Object[] t : types) {
            rows.add(new Object[] {t[0], (long) (Integer) t[1], t[2], t[3], t[4], null, (long) typeNullable, t[5],
                    (long) typeSearchable, Boolean.FALSE, Boolean.FALSE, t[6], t[0], 0L, 0L, null, null, 10L});
        }
        return list(List.of("TYPE_NAME", "DATA_TYPE", "PRECISION", "LITERAL_PREFIX", "LITERAL_SUFFIX", "CREATE_PARAMS",
                "NULLABLE", "CASE_SENSITIVE", "SEARCHABLE", "UNSIGNED_ATTRIBUTE", "FIXED_PREC_SCALE", "AUTO_INCREMENT",
                "LOCAL_TYPE_NAME", "MINIMUM_SCALE", "MAXIMUM_SCALE", "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "NUM_PREC_RADIX"),
                new int[] {TEXT, INT, INT, TEXT, TEXT, TEXT, INT, BOOL, INT, BOOL, BOOL, BOOL, TEXT, INT, INT, INT, INT, INT},
                rows);
    }

    private ResultSet indexInfo(String table, boolean unique) throws SQLException {
        if (table == null) {
            throw new SQLException("getIndexInfo needs a table name", "HY009");
        }
        List<Object[]> rows = new ArrayList<>();
        for (Object[] ix : select("SELECT name, \"unique\" FROM pragma_index_list(?) ORDER BY \"unique\" DESC, name", table)) {
            boolean isUnique = ((Long) ix[1]) != 0;
            if (unique && !isUnique) {
                continue;
            }
            for (Object[] col : select("SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno", ix[0])) {
                rows.add(new Object[] {null, null, table, !isUnique, null, ix[0], (long) tableIndexOther,
                        (Long) col[0] + 1, col[1], "A", null, null, null});
            }
        }
        return list(List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER", "INDEX_NAME",
                "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "CARDINALITY", "PAGES", "FILTER_CONDITION"),
                new int[] {TEXT, TEXT, TEXT, BOOL, TEXT, TEXT, INT, INT, TEXT, TEXT, INT, INT, TEXT}, rows);
    }

    private static long rule(Object action) {
        switch (String.valueOf(action).toUpperCase(Locale.ROOT)) {
            case "CASCADE":
                return importedKeyCascade;
            case "RESTRICT":
                return importedKeyRestrict;
            case "SET NULL":
                return importedKeySetNull;
            case "SET DEFAULT":
                return importedKeySetDefault;
            default:
                return importedKeyNoAction;
        }
    }

    private ResultSet importedKeys(String table) throws SQLException {
        if (table == null) {
            throw new SQLException("getImportedKeys needs a table name", "HY009");
        }
        List<Object[]> rows = new ArrayList<>();
        for (Object[] fk : select("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete "
                + "FROM pragma_foreign_key_list(?) ORDER BY \"table\", id, seq", table)) {
            Object to = fk[4];
            if (to == null) {
                // REFERENCES parent without columns: the parent's primary key, in order.
                List<Object[]> pk = select("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", fk[2]);
                int seq = (int) (long) (Long) fk[1];
                to = seq < pk.size() ? pk.get(seq)[0] : null;
            }
            rows.add(new Object[] {null, null, fk[2], to, null, null, table, fk[3], (Long) fk[1] + 1, rule(fk[5]),
                    rule(fk[6]), null, null, (long) importedKeyNotDeferrable});
        }
        return list(List.of("PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_CAT",
                "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE", "DELETE_RULE", "FK_NAME",
                "PK_NAME", "DEFERRABILITY"),
                new int[] {TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INT, INT, INT, TEXT, TEXT, INT}, rows);
    }


    @Override
    public boolean allProceduresAreCallable() throws SQLException {
        return false;
    }

    @Override
    public boolean allTablesAreSelectable() throws SQLException {
        return true;
    }

    @Override
    public String getURL() throws SQLException {
        return connection.url().toString();
    }

    @Override
    public String getUserName() throws SQLException {
        return "";
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return connection.isReadOnly();
    }

    @Override
    public boolean nullsAreSortedHigh() throws SQLException {
        return false;
    }

    @Override
    public boolean nullsAreSortedLow() throws SQLException {
        return true;
    }

    @Override
    public boolean nullsAreSortedAtStart() throws SQLException {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtEnd() throws SQLException {
        return false;
    }

    @Override
    public String getDatabaseProductName() throws SQLException {
        return "cowsql";
    }

    @Override
    public String getDatabaseProductVersion() throws SQLException {
        return sqliteVersion();
    }

    @Override
    public String getDriverName() throws SQLException {
        return CowsqlDriver.NAME;
    }

    @Override
    public String getDriverVersion() throws SQLException {
        return CowsqlDriver.VERSION;
    }

    @Override
    public int getDriverMajorVersion() {
        return CowsqlDriver.MAJOR;
    }

    @Override
    public int getDriverMinorVersion() {
        return CowsqlDriver.MINOR;
    }

    @Override
    public boolean usesLocalFiles() throws SQLException {
        return false;
    }

    @Override
    public boolean usesLocalFilePerTable() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesUpperCaseIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesLowerCaseIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesMixedCaseIdentifiers() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
        return false;
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
        return true;
    }

    @Override
    public String getIdentifierQuoteString() throws SQLException {
        return "\"";
    }

    @Override
    public String getSQLKeywords() throws SQLException {
        return "";
    }

    @Override
    public String getNumericFunctions() throws SQLException {
        return "abs,max,min,random,round";
    }

    @Override
    public String getStringFunctions() throws SQLException {
        return "instr,length,lower,ltrim,replace,rtrim,substr,trim,upper";
    }

    @Override
    public String getSystemFunctions() throws SQLException {
        return "changes,last_insert_rowid,sqlite_version,typeof";
    }

    @Override
    public String getTimeDateFunctions() throws SQLException {
        return "date,time,datetime,julianday,strftime,unixepoch";
    }

    @Override
    public String getSearchStringEscape() throws SQLException {
        return "\\";
    }

    @Override
    public String getExtraNameCharacters() throws SQLException {
        return "";
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsColumnAliasing() throws SQLException {
        return true;
    }

    @Override
    public boolean nullPlusNonNullIsNull() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsConvert() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsConvert(int a0, int a1) throws SQLException {
        return false;
    }

    @Override
    public boolean supportsTableCorrelationNames() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsExpressionsInOrderBy() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsOrderByUnrelated() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsGroupBy() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsGroupByUnrelated() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsGroupByBeyondSelect() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsLikeEscapeClause() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsMultipleResultSets() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsMultipleTransactions() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsNonNullableColumns() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsMinimumSQLGrammar() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsCoreSQLGrammar() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsExtendedSQLGrammar() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsANSI92FullSQL() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsOuterJoins() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsFullOuterJoins() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsLimitedOuterJoins() throws SQLException {
        return true;
    }

    @Override
    public String getSchemaTerm() throws SQLException {
        return "schema";
    }

    @Override
    public String getProcedureTerm() throws SQLException {
        return "procedure";
    }

    @Override
    public String getCatalogTerm() throws SQLException {
        return "catalog";
    }

    @Override
    public boolean isCatalogAtStart() throws SQLException {
        return true;
    }

    @Override
    public String getCatalogSeparator() throws SQLException {
        return ".";
    }

    @Override
    public boolean supportsSchemasInDataManipulation() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsPositionedDelete() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsPositionedUpdate() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSelectForUpdate() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsStoredProcedures() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSubqueriesInComparisons() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInExists() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInIns() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsCorrelatedSubqueries() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsUnion() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsUnionAll() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() throws SQLException {
        return true;
    }

    @Override
    public int getMaxBinaryLiteralLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxCharLiteralLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnsInGroupBy() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnsInIndex() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnsInOrderBy() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnsInSelect() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxColumnsInTable() throws SQLException {
        return 2000;
    }

    @Override
    public int getMaxConnections() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxCursorNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxIndexLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxSchemaNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxProcedureNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxCatalogNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxRowSize() throws SQLException {
        return 0;
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
        return true;
    }

    @Override
    public int getMaxStatementLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxStatements() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxTableNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxTablesInSelect() throws SQLException {
        return 0;
    }

    @Override
    public int getMaxUserNameLength() throws SQLException {
        return 0;
    }

    @Override
    public int getDefaultTransactionIsolation() throws SQLException {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsTransactions() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int a0) throws SQLException {
        return a0 == Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
        return false;
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
        return false;
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
        return false;
    }

    @Override
    public ResultSet getProcedures(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getProcedures");
    }

    @Override
    public ResultSet getProcedureColumns(String a0, String a1, String a2, String a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getProcedureColumns");
    }

    @Override
    public ResultSet getTables(String a0, String a1, String a2, String[] a3) throws SQLException {
        return tables(a2, a3);
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return list(List.of("TABLE_SCHEM", "TABLE_CATALOG"), new int[] {TEXT, TEXT}, List.of());
    }

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return list(List.of("TABLE_CAT"), new int[] {TEXT}, List.of());
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return list(List.of("TABLE_TYPE"), new int[] {TEXT}, List.of(new Object[] {"TABLE"}, new Object[] {"VIEW"}, new Object[] {"SYSTEM TABLE"}));
    }

    @Override
    public ResultSet getColumns(String a0, String a1, String a2, String a3) throws SQLException {
        return columns(a2, a3);
    }

    @Override
    public ResultSet getColumnPrivileges(String a0, String a1, String a2, String a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getColumnPrivileges");
    }

    @Override
    public ResultSet getTablePrivileges(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getTablePrivileges");
    }

    @Override
    public ResultSet getBestRowIdentifier(String a0, String a1, String a2, int a3, boolean a4) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getBestRowIdentifier");
    }

    @Override
    public ResultSet getVersionColumns(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getVersionColumns");
    }

    @Override
    public ResultSet getPrimaryKeys(String a0, String a1, String a2) throws SQLException {
        return primaryKeys(a2);
    }

    @Override
    public ResultSet getImportedKeys(String a0, String a1, String a2) throws SQLException {
        return importedKeys(a2);
    }

    @Override
    public ResultSet getExportedKeys(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getExportedKeys");
    }

    @Override
    public ResultSet getCrossReference(String a0, String a1, String a2, String a3, String a4, String a5) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getCrossReference");
    }

    @Override
    public ResultSet getTypeInfo() throws SQLException {
        return typeInfo();
    }

    @Override
    public ResultSet getIndexInfo(String a0, String a1, String a2, boolean a3, boolean a4) throws SQLException {
        return indexInfo(a2, a3);
    }

    @Override
    public boolean supportsResultSetType(int a0) throws SQLException {
        return a0 == ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public boolean supportsResultSetConcurrency(int a0, int a1) throws SQLException {
        return a0 == ResultSet.TYPE_FORWARD_ONLY && a1 == ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public boolean ownUpdatesAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean ownDeletesAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean ownInsertsAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean othersUpdatesAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean othersDeletesAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean othersInsertsAreVisible(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean updatesAreDetected(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean deletesAreDetected(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean insertsAreDetected(int a0) throws SQLException {
        return false;
    }

    @Override
    public boolean supportsBatchUpdates() throws SQLException {
        return true;
    }

    @Override
    public ResultSet getUDTs(String a0, String a1, String a2, int[] a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getUDTs");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection;
    }

    @Override
    public boolean supportsSavepoints() throws SQLException {
        return true;
    }

    @Override
    public boolean supportsNamedParameters() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsMultipleOpenResults() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsGetGeneratedKeys() throws SQLException {
        return true;
    }

    @Override
    public ResultSet getSuperTypes(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getSuperTypes");
    }

    @Override
    public ResultSet getSuperTables(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getSuperTables");
    }

    @Override
    public ResultSet getAttributes(String a0, String a1, String a2, String a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getAttributes");
    }

    @Override
    public boolean supportsResultSetHoldability(int a0) throws SQLException {
        return a0 == ResultSet.CLOSE_CURSORS_AT_COMMIT || a0 == ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        return versionPart(0);
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        return versionPart(1);
    }

    @Override
    public int getJDBCMajorVersion() throws SQLException {
        return 4;
    }

    @Override
    public int getJDBCMinorVersion() throws SQLException {
        return 2;
    }

    @Override
    public int getSQLStateType() throws SQLException {
        return sqlStateSQL;
    }

    @Override
    public boolean locatorsUpdateCopy() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsStatementPooling() throws SQLException {
        return false;
    }

    @Override
    public RowIdLifetime getRowIdLifetime() throws SQLException {
        return RowIdLifetime.ROWID_UNSUPPORTED;
    }

    @Override
    public ResultSet getSchemas(String a0, String a1) throws SQLException {
        return list(List.of("TABLE_SCHEM", "TABLE_CATALOG"), new int[] {TEXT, TEXT}, List.of());
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException {
        return false;
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() throws SQLException {
        return false;
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getClientInfoProperties");
    }

    @Override
    public ResultSet getFunctions(String a0, String a1, String a2) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getFunctions");
    }

    @Override
    public ResultSet getFunctionColumns(String a0, String a1, String a2, String a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getFunctionColumns");
    }

    @Override
    public ResultSet getPseudoColumns(String a0, String a1, String a2, String a3) throws SQLException {
        throw Unsupported.of("DatabaseMetaData.getPseudoColumns");
    }

    @Override
    public boolean generatedKeyAlwaysReturned() throws SQLException {
        return false;
    }

    @Override
    public long getMaxLogicalLobSize() throws SQLException {
        return 0L;
    }

    @Override
    public boolean supportsRefCursors() throws SQLException {
        return false;
    }

    @Override
    public boolean supportsSharding() throws SQLException {
        return false;
    }
}
