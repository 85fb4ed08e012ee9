import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { describeStoreConnection, parseStoreConnection } from "../../src/core/StoreConnection.js"

const parsed = (value: string) => Either.getOrThrow(parseStoreConnection(value))
const reason = (value: string) =>
  Either.getLeft(parseStoreConnection(value)).pipe((o) => (o._tag === "Some" ? o.value : ""))

describe("parseStoreConnection", () => {
  it("reads SQLAlchemy SQLite URLs", () => {
    expect(parsed("sqlite://")).toEqual({ dialect: "sqlite", path: ":memory:" })
    expect(parsed("sqlite:///:memory:")).toEqual({ dialect: "sqlite", path: ":memory:" })
    expect(parsed("sqlite:///neat.db")).toEqual({ dialect: "sqlite", path: "neat.db" })
    expect(parsed("sqlite:////var/lib/neat/neat.db")).toEqual({ dialect: "sqlite", path: "/var/lib/neat/neat.db" })
  })

  it("takes a plain path as a SQLite file", () => {
    expect(parsed("/tmp/neat.db")).toEqual({ dialect: "sqlite", path: "/tmp/neat.db" })
    expect(parsed(":memory:")).toEqual({ dialect: "sqlite", path: ":memory:" })
    expect(parsed("sqlite:out/sweep.sqlite")).toEqual({ dialect: "sqlite", path: "out/sweep.sqlite" })
    expect(parsed("sqlite:/tmp/sweep.sqlite")).toEqual({ dialect: "sqlite", path: "/tmp/sweep.sqlite" })
  })

  it("reads PostgreSQL URLs, with or without a driver suffix", () => {
    expect(parsed("postgresql://neat:pw@db:5432/neat")).toEqual({
      dialect: "postgres",
      url: "postgresql://neat:pw@db:5432/neat"
    })
    expect(parsed("postgres://neat@db/neat")).toEqual({ dialect: "postgres", url: "postgresql://neat@db/neat" })
    expect(parsed("postgresql+psycopg2://neat@db/neat")).toEqual({
      dialect: "postgres",
      url: "postgresql://neat@db/neat"
    })
  })

  it("reads MySQL URLs as OpenStack Neat's neat.conf writes them", () => {
    expect(parsed("mysql://neat:neatpassword@controller/neat")).toEqual({
      dialect: "mysql",
      url: "mysql://neat:neatpassword@controller/neat"
    })
    expect(parsed("mysql+mysqldb://neat:pw@db:3306/neat?charset=utf8")).toEqual({
      dialect: "mysql",
      url: "mysql://neat:pw@db:3306/neat?charset=utf8"
    })
    expect(parsed("mariadb+pymysql://neat@db/neat")).toEqual({ dialect: "mysql", url: "mysql://neat@db/neat" })
  })

  it("explains what it cannot use", () => {
    expect(reason("")).toContain("is empty")
    expect(reason("mysql://neat@db")).toContain("names no database")
    expect(reason("mysql:///neat")).toContain("names no host")
    expect(reason("mysql://neat@db/neat?compress=1")).toContain("parameters Neat does not know: compress")
    expect(reason("oracle://x@y/z")).toContain("unsupported database 'oracle'")
    expect(reason("sqlite://host/neat.db")).toContain("sqlite:///host/neat.db")
    expect(reason("postgresql:///neat")).toContain("names no host")
  })

  it("hides the password when describing a connection", () => {
    expect(describeStoreConnection(parsed("postgresql://neat:secret@db/neat"))).toBe("postgresql://neat:***@db/neat")
    expect(describeStoreConnection(parsed("mysql://neat:secret@db/neat"))).toBe("mysql://neat:***@db/neat")
    expect(describeStoreConnection(parsed("sqlite:///a.db"))).toBe("sqlite a.db")
  })
})
